@sut:core
Feature: Validation of the Onboard API Invoker Request body (Figure X.1-1, "Request valid?")
  TS 29.222 §8.4.5.2.2: APIInvokerEnrolmentDetails requires onboardingInformation (with
  apiInvokerPublicKey) and notificationDestination; apiInvokerId "shall not be present in the
  POST request". TS 29.122 §5.2.6: errors carry a ProblemDetails with invalidParams.

  @CCF-REQ-01 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-01 The core rejects a request without onboardingInformation with 400 naming the field
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without onboardingInformation
    Then the core answers 400 naming onboardingInformation

  @CCF-REQ-02 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-02 The core rejects a request without apiInvokerPublicKey with 400 naming the field
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without apiInvokerPublicKey
    Then the core answers 400 naming apiInvokerPublicKey

  @CCF-REQ-03 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-03 The core rejects a request without notificationDestination with 400 naming the field
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without notificationDestination
    Then the core answers 400 naming notificationDestination

  @CCF-REQ-04 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-04 The core does not adopt an apiInvokerId sent in the POST
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request that sets its own apiInvokerId
    Then the core does not adopt the apiInvokerId

  @CCF-REQ-05 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-05 The core rejects a non-JSON body and a wrong content type
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a body that is not JSON
    Then the core rejects the request with 400 or 415
    When the invoker sends a valid body labelled text/plain
    Then the core rejects the request with 400 or 415
