@sut:invoker
Feature: The invoker handles the Onboard API Invoker Response (Figure X.1-1, "CAPIF core provides Onboard API Invoker response")
  TS 33.122 Annex X.1: the response "contains the API Invoker profile and includes the API
  Invoker ID. Security information for CAPIF-1 or CAPIF-1e authentication [...] is also
  transferred to the API Invoker".
  TS 29.222 §8.4.2.2.3.1: POST answers "201 Created" when the invoker is onboarded; "202
  Accepted" only says the request was accepted and the result will be notified.

  @INV-OK-01 @branch:onboarding-response @severity:mandatory
  Scenario: INV-OK-01 On 201 the invoker reports success with the assigned apiInvokerId
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker reports success with the assigned apiInvokerId

  @INV-OK-02 @branch:onboarding-response @severity:recommended
  Scenario: INV-OK-02 A 201 whose apiInvokerId or certificate is missing or unusable is not reported as success
    Given an API invoker under test
    And the harness core answers 201 without apiInvokerId
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 without a certificate
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with an empty apiInvokerId
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with an empty certificate
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with a certificate that is not PEM
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with an unparsable certificate
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with a certificate for another key
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with a certificate from another CA
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 201 with an expired certificate
    When the invoker onboards
    Then the invoker does not report success

  # Recommended, not mandatory: no "shall" obliges an invoker to validate what the core
  # issued, but an invoker that takes an unusable certificate as success cannot do CAPIF-1e
  # mutual TLS later, and one that takes a certificate for another key trusts its core blindly.

  @waits @INV-OK-03 @branch:onboarding-response @severity:mandatory
  Scenario: INV-OK-03 Only 201 Created is reported as success
    Given an API invoker under test
    And the harness core answers 200 to a valid request
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 202 to a valid request
    When the invoker onboards
    Then the invoker does not report success
    Given the harness core answers 204 to a valid request
    When the invoker onboards
    Then the invoker does not report success

  @waits @INV-OK-04 @branch:onboarding-response @severity:recommended
  Scenario: INV-OK-04 The invoker gives up on a core that never answers the onboarding request
    Given an API invoker under test
    And the harness core never answers the onboarding request
    When the invoker onboards
    Then the invoker gives up within its declared bound and reports failure

  # Asynchronous onboarding (TS 29.222 §8.4.2.2.3.1): "202 Accepted: the CAPIF core accepted
  # the request, and the onboarding result will be notified" to the request's
  # notificationDestination (OnboardingNotification, result required). The played core POSTs
  # it over HTTPS to the URI the invoker sent, without authenticating the invoker's receiver.
  # An invoker that cannot receive notifications exits 89 (not applicable).
  @INV-OK-05 @branch:onboarding-response @severity:mandatory
  Scenario: INV-OK-05 After a 202 the invoker reports success only with the notified result
    Given an API invoker under test
    And the harness core answers 202 and then notifies success
    When the invoker onboards
    Then the invoker reports success once the notification arrived

  @INV-OK-06 @branch:onboarding-response @severity:mandatory
  Scenario: INV-OK-06 After a 202 and a notified failure the invoker reports failure
    Given an API invoker under test
    And the harness core answers 202 and then notifies failure
    When the invoker onboards
    Then the invoker reports the notified failure

  @waits @INV-OK-07 @branch:onboarding-response @severity:recommended
  Scenario: INV-OK-07 After a 202 that is never notified the invoker gives up
    Given an API invoker under test
    And the harness core answers 202 and never notifies
    When the invoker onboards
    Then the invoker gives up on the missing notification within its declared bound
