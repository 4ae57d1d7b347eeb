Feature: Validation of the Onboard API Invoker Request body (Figure B.1-1, "Request valid?")
  A body that violates APIInvokerEnrolmentDetails is answered 400 Bad Request, a body that is
  not application/json 400 or 415 (TS 29.222 OpenAPI). ProblemDetails has no required member:
  invalidParams naming the field is what an invoker needs to fix its request (CCF-REQ-06,
  informational).

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-validate] If the onboarding credential is valid, the CAPIF core creates and returns an Onboard API Invoker Response message defined in clause 8.1 of 23.222 [3], which contains the API Invoker profile and includes the API Invoker ID.
  [29222-openapi-invoker-information] apiInvokerInformation: Generic information related to the API invoker such as details of the device or the application. (type: string)
  [29222-openapi-enrolment-required] APIInvokerEnrolmentDetails: required: onboardingInformation, notificationDestination (OnboardingInformation: required: apiInvokerPublicKey)
  [29222-openapi-invoker-id] API invoker ID assigned by the CAPIF core function to the API invoker while on-boarding the API invoker. Shall not be present in the HTTP POST request from the API invoker to the CAPIF core function, to on-board itself. Shall be present in all other HTTP requests and responses.
  [29222-openapi-request-body] requestBody: content: application/json: schema: APIInvokerEnrolmentDetails (required: true)
  [29122-openapi-invalid-params] invalidParams: Description of invalid parameters, for a request rejected due to invalid parameters.
  [29222-7.7-errors] HTTP error handling described in clause 5.2.6 of 3GPP TS 29.122 is applicable
  [29222-openapi-201] 201: Created. The API Invoker is successfully on-boarded.
  [rfc9112-7.1-chunked] A recipient MUST be able to parse and decode the chunked transfer coding.
  [rfc9110-5.1-field-names] Field names are case-insensitive and ought to be registered within the "Hypertext Transfer Protocol (HTTP) Field Name Registry"; see Section 16.3.1.
  [rfc9110-5.3-field-order] The order in which field lines with differing field names are received in a section is not significant.

  @CCF-REQ-01
  Scenario: CCF-REQ-01 — The core rejects a request without onboardingInformation with 400
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without onboardingInformation
    Then the core answers 400 to the body without onboardingInformation

  @CCF-REQ-02
  Scenario: CCF-REQ-02 — The core rejects a request without apiInvokerPublicKey with 400
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without apiInvokerPublicKey
    Then the core answers 400 to the body without apiInvokerPublicKey

  @CCF-REQ-03
  Scenario: CCF-REQ-03 — The core rejects a request without notificationDestination with 400
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without notificationDestination
    Then the core answers 400 to the body without notificationDestination

  @CCF-REQ-04
  Scenario: CCF-REQ-04 — The core does not adopt an apiInvokerId sent in the POST
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request that sets its own apiInvokerId
    Then the core does not adopt the apiInvokerId

  @CCF-REQ-05
  Scenario: CCF-REQ-05 — The core rejects a non-JSON body and a wrong content type (400/415)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a body that is not JSON
    Then the core rejects the request with 400 or 415
    When the invoker sends a valid body labelled text/plain
    Then the core rejects the request with 400 or 415

  @CCF-REQ-06
  Scenario: CCF-REQ-06 — The 400 for a missing required field names it in invalidParams
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request without onboardingInformation
    And the invoker sends a valid request without apiInvokerPublicKey
    And the invoker sends a valid request without notificationDestination
    Then each 400 names its missing field in invalidParams

  @CCF-REQ-07
  Scenario: CCF-REQ-07 — A valid request whose apiInvokerInformation holds spaces, quotes, shell and URL metacharacters and non-ASCII is onboarded, the value echoed unchanged
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid request whose apiInvokerInformation is free text
    Then the core onboards it with the free text unchanged

  # Run by `capif-conformance fuzz`, not by `run`: one campaign of generated requests (README
  # "Property-based robustness"), judged once per property. A finding's minimal request is
  # written next to the report as finding-N.http.

  @CCF-FUZZ-01
  Scenario: CCF-FUZZ-01 — Every generated request the model holds valid is answered as valid: 201 Created with Location and APIInvokerEnrolmentDetails
    Given a property-based campaign of generated onboarding requests against the core under test
    Then every generated request the model holds valid was answered as valid

  @CCF-FUZZ-02
  Scenario: CCF-FUZZ-02 — Every generated request the model holds invalid is refused with a 4xx ProblemDetails and onboards nothing
    Given a property-based campaign of generated onboarding requests against the core under test
    Then every generated request the model holds invalid was refused with a 4xx ProblemDetails

  @CCF-FUZZ-03
  Scenario: CCF-FUZZ-03 — Every generated request is answered, and never with a 5xx
    Given a property-based campaign of generated onboarding requests against the core under test
    Then every generated request was answered, never with a 5xx

  @CCF-FUZZ-05
  Scenario: CCF-FUZZ-05 — Every generated valid request framed otherwise (the body chunked, header names in another case, the headers in another order) is answered as valid
    Given a property-based campaign of generated onboarding requests against the core under test
    Then every generated valid request framed otherwise was answered as valid
