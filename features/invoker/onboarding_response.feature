@sut:invoker
Feature: The invoker handles the Onboard API Invoker Response (Figure X.1-1, "CAPIF core provides Onboard API Invoker response")
  TS 33.122 Annex X.1: the response "contains the API Invoker profile and includes the API
  Invoker ID. Security information for CAPIF-1 or CAPIF-1e authentication [...] is also
  transferred to the API Invoker".

  @INV-OK-01 @branch:onboarding-response @severity:mandatory
  Scenario: INV-OK-01 On 201 the invoker reports success with the assigned apiInvokerId
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker reports success with the assigned apiInvokerId

  @INV-OK-02 @branch:onboarding-response @severity:recommended
  Scenario: INV-OK-02 A 201 lacking apiInvokerId or the certificate is not reported as success
    Given an API invoker under test
    And the harness core answers 201 without apiInvokerId
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 without a certificate
    When the invoker onboards
    Then the invoker does not report success
