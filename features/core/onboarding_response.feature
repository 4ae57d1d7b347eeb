Feature: The Onboard API Invoker Response (Figure B.1-1, "CAPIF core provides Onboard API Invoker response")
  A valid request is answered with the API invoker profile, the API invoker ID and the CAPIF-1/1e
  security information (TS 33.122 Annex B.1): 201 Created with a Location under the apiRoot the
  invoker was provisioned with (PIXIT [core] api_root), or 202 Accepted completed by an
  OnboardingNotification.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-validate] If the onboarding credential is valid, the CAPIF core creates and returns an Onboard API Invoker Response message defined in clause 8.1 of 23.222 [3], which contains the API Invoker profile and includes the API Invoker ID.
  [29222-openapi-201] 201: Created. The API Invoker is successfully on-boarded.
  [29222-openapi-location] Location: Contains the URI of the newly created resource, according to the structure: {apiRoot}/api-invoker-management/<apiVersion>/onboardedInvokers/{onboardingId}
  [29222-openapi-location-v19] Location: Contains the URI of the newly created resource. (required: true)
  [29222-openapi-invoker-id] API invoker ID assigned by the CAPIF core function to the API invoker while on-boarding the API invoker. Shall not be present in the HTTP POST request from the API invoker to the CAPIF core function, to on-board itself. Shall be present in all other HTTP requests and responses.
  [33122-B.1-security-info] Security information for CAPIF-1 or CAPIF-1e authentication and (optionally) security information for CAPIF-2 or CAPIF-2e is also transferred to the API Invoker as part of the onboarding response.
  [29222-10.2-mtls] For rest of the CAPIF APIs, the TLS protocol based connection shall be established with certificate based mutual authentication
  [33122-6.8-step2-id] [the Offboard API Invoker request includes] the CAPIF core function specific API invoker ID
  [29222-openapi-delete-204] No Content. The Individual On-boarded API Invoker resource is successfully deleted.

  @CCF-OK-01
  Scenario: CCF-OK-01 — The core answers a valid onboarding request with 201 Created
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core answers 201 Created

  @CCF-OK-02
  Scenario: CCF-OK-02 — The Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}

  @CCF-OK-03
  Scenario: CCF-OK-03 — The response is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId

  @CCF-OK-04
  Scenario: CCF-OK-04 — The issued certificate is X.509, chains to the invoker CA, binds the invoker's key, is valid now and allows clientAuth
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the issued certificate chains to the invoker CA, is valid for clientAuth and binds the invoker's key

  @CCF-OK-05
  Scenario: CCF-OK-05 — The response carries an onboardingSecret
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response carries an onboarding secret

  @CCF-OK-06
  Scenario: CCF-OK-06 — Two invokers get different apiInvokerIds
    Given a CAPIF core under test
    When two invokers with different keys onboard
    Then their apiInvokerIds differ

  @CCF-OK-07
  Scenario: CCF-OK-07 — The issued certificate is accepted for mutual TLS (offboarding DELETE answers 204)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker offboards over mutual TLS with the issued certificate
    Then the core answers 204 No Content

  # Applies when issues_certificate = false (CCF-OK-04 judges the certificate otherwise), so a
  # core returning neither a certificate nor a secret cannot pass by declaring neither.
  # Recommended: it rests on the informative annex.
  @CCF-OK-08
  Scenario: CCF-OK-08 — Without a declared certificate, the 201 still carries CAPIF-1/1e security information (an apiInvokerCertificate or an onboardingSecret)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response carries a certificate or an onboarding secret
