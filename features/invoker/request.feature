@sut:invoker
Feature: The invoker's Onboard API Invoker Request and its credential (Figure X.1-1, "Request valid?")
  TS 33.122 Annex X.1: "The API Invoker includes an onboarding credential in the Onboard API
  Invoker Request message." TS 29.222 §8.4.2.2.3.1: POST {apiRoot}/api-invoker-management/v1/
  onboardedInvokers with an APIInvokerEnrolmentDetails; apiInvokerId "shall not be present in
  the POST request".

  @INV-CRED-01 @branch:request-validation @severity:mandatory
  Scenario: INV-CRED-01 The request carries the provisioned credential as Authorization Bearer
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the request carries the provisioned credential as Authorization: Bearer

  @INV-CRED-02 @branch:request-validation @severity:mandatory
  Scenario: INV-CRED-02 On a 401 ProblemDetails the invoker reports failure and no apiInvokerId
    Given an API invoker under test
    And the harness core rejects the credential with 401
    When the invoker onboards
    Then the invoker reports failure and no apiInvokerId

  @INV-CRED-03 @branch:request-validation @severity:informational
  Scenario: INV-CRED-03 The invoker does not retry a rejected credential more than once
    Given an API invoker under test
    And the harness core rejects the credential with 401
    When the invoker onboards
    Then the invoker sent the rejected credential at most twice

  @INV-REQ-01 @branch:request-validation @severity:mandatory
  Scenario: INV-REQ-01 The invoker POSTs application/json to the onboarding resource
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the request is a POST of application/json to /api-invoker-management/v1/onboardedInvokers

  @INV-REQ-02 @branch:request-validation @severity:mandatory
  Scenario: INV-REQ-02 The invoker sends a valid APIInvokerEnrolmentDetails
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the request body is a valid APIInvokerEnrolmentDetails
