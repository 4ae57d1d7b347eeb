Feature: The invoker's Onboard API Invoker Request and its credential (Figure B.1-1, "Request valid?")
  The harness-played core records the request the invoker sends: the target, the media type,
  the body and the credential.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-request] If the session is secured, the API Invoker requests onboarding using the Onboard API Invoker Request message defined in clause 8.1 of 23.222 [3]. The API Invoker includes an onboarding credential in the Onboard API Invoker Request message.
  [rfc6750-2.1-bearer] Clients SHOULD make authenticated requests with a bearer token using the "Authorization" request header field with the "Bearer" HTTP authorization scheme.
  [33122-B.1-error] If the CAPIF core cannot validate the onboarding credentials, then an Onboard API Invoker response message containing an error response is returned to the API Invoker instead.
  [29222-openapi-request-body] requestBody: content: application/json: schema: APIInvokerEnrolmentDetails (required: true)
  [29222-openapi-enrolment-required] APIInvokerEnrolmentDetails: required: onboardingInformation, notificationDestination (OnboardingInformation: required: apiInvokerPublicKey)
  [29222-openapi-invoker-id] API invoker ID assigned by the CAPIF core function to the API invoker while on-boarding the API invoker. Shall not be present in the HTTP POST request from the API invoker to the CAPIF core function, to on-board itself. Shall be present in all other HTTP requests and responses.

  @INV-CRED-01
  Scenario: INV-CRED-01 — The request carries the provisioned credential as Authorization: Bearer
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the request carries the provisioned credential as Authorization: Bearer

  @INV-CRED-02
  Scenario: INV-CRED-02 — On a 401 ProblemDetails the invoker reports failure and no apiInvokerId
    Given an API invoker under test
    And the harness core rejects the credential with 401
    When the invoker onboards
    Then the invoker reports failure and no apiInvokerId

  @INV-CRED-03
  Scenario: INV-CRED-03 — The invoker does not retry a rejected credential more than once
    Given an API invoker under test
    And the harness core rejects the credential with 401
    When the invoker onboards
    Then the invoker sent the rejected credential at most twice

  @INV-REQ-01
  Scenario: INV-REQ-01 — The invoker POSTs to {apiRoot}/api-invoker-management/v1/onboardedInvokers with application/json
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the request is a POST of application/json to /api-invoker-management/v1/onboardedInvokers

  @INV-REQ-02
  Scenario: INV-REQ-02 — The invoker sends a valid APIInvokerEnrolmentDetails
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the request body is a valid APIInvokerEnrolmentDetails
