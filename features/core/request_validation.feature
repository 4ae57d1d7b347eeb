@sut:core
Feature: Validation of the Onboard API Invoker Request body (Figure X.1-1, "Request valid?")
  TS 29.222 §8.4.5.2.2: APIInvokerEnrolmentDetails requires onboardingInformation (with
  apiInvokerPublicKey) and notificationDestination; apiInvokerId "shall not be present in the
  POST request". A body that violates the schema is answered 400 Bad Request (TS 29.222
  §8.4.2.2.3.1). TS 29.122's ProblemDetails has no required member: invalidParams naming the
  field is what an invoker needs to fix its request, so CCF-REQ-06 recommends it.

  @CCF-REQ-01 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-01 The core rejects a request without onboardingInformation with 400
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without onboardingInformation
    Then the core answers 400 to the body without onboardingInformation

  @CCF-REQ-02 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-02 The core rejects a request without apiInvokerPublicKey with 400
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without apiInvokerPublicKey
    Then the core answers 400 to the body without apiInvokerPublicKey

  @CCF-REQ-03 @branch:request-validation @severity:mandatory
  Scenario: CCF-REQ-03 The core rejects a request without notificationDestination with 400
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without notificationDestination
    Then the core answers 400 to the body without notificationDestination

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

  @CCF-REQ-06 @branch:request-validation @severity:recommended
  Scenario: CCF-REQ-06 The 400 for a missing required field names it in invalidParams
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without onboardingInformation
    And the invoker sends a valid request without apiInvokerPublicKey
    And the invoker sends a valid request without notificationDestination
    Then each 400 names its missing field in invalidParams
