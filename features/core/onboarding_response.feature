@sut:core
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
  [29222-openapi-202] 202: Accepted. The CCF accepted the Onboarding request and is processing it.
  [29222-openapi-notification] OnboardingNotification: required: result (resourceLocation and apiInvokerEnrolmentDetails are optional)
  [33122-6.1-tls] The API invoker and CAPIF core function shall establish a secure session based on TLS (Server side certificate authentication).
  [rfc9110-4.3.4-verify] To establish a connection to dereference a URI, a client MUST verify that the service's identity is an acceptable match for the URI's origin server. Certificate verification is used to prevent server impersonation by an on-path attacker or by an attacker that controls name resolution.
  [rfc9110-4.3.4-automated] Automated clients MUST log the error to an appropriate audit log (if available) and SHOULD terminate the connection (with a bad certificate error).

  @CCF-OK-01 @branch:onboarding-response @severity:mandatory @req:33122-B.1-validate @req:29222-openapi-201
  Scenario: CCF-OK-01 The core answers a valid onboarding request with 201 Created
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core answers 201 Created

  @CCF-OK-02 @branch:onboarding-response @severity:mandatory @req:29222-openapi-location @req:29222-openapi-location-v19
  Scenario: CCF-OK-02 The Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}

  @CCF-OK-03 @branch:onboarding-response @severity:mandatory @req:33122-B.1-validate @req:29222-openapi-201 @req:29222-openapi-invoker-id
  Scenario: CCF-OK-03 The response is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId

  @CCF-OK-04 @branch:onboarding-response @severity:mandatory @req:33122-B.1-security-info @req:29222-10.2-mtls
  Scenario: CCF-OK-04 The issued certificate is X.509, chains to the invoker CA, binds the invoker's key, is valid now and allows clientAuth
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the issued certificate chains to the invoker CA, is valid for clientAuth and binds the invoker's key

  @CCF-OK-05 @branch:onboarding-response @severity:informational @req:33122-B.1-security-info
  Scenario: CCF-OK-05 The response carries an onboardingSecret
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response carries an onboarding secret

  @CCF-OK-06 @branch:onboarding-response @severity:mandatory @req:33122-B.1-validate @req:33122-6.8-step2-id
  Scenario: CCF-OK-06 Two invokers get different apiInvokerIds
    Given a CAPIF core under test
    When two invokers with different keys onboard
    Then their apiInvokerIds differ

  @CCF-OK-07 @branch:onboarding-response @severity:mandatory @req:29222-10.2-mtls @req:29222-openapi-delete-204
  Scenario: CCF-OK-07 The issued certificate is accepted for mutual TLS (offboarding DELETE answers 204)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker offboards over mutual TLS with the issued certificate
    Then the core answers 204 No Content

  # Applies when issues_certificate = false (CCF-OK-04 judges the certificate otherwise), so a
  # core returning neither a certificate nor a secret cannot pass by declaring neither.
  # Recommended: it rests on the informative annex.
  @CCF-OK-08 @branch:onboarding-response @severity:informational @req:33122-B.1-security-info
  Scenario: CCF-OK-08 Without a declared certificate, the 201 still carries CAPIF-1/1e security information (an apiInvokerCertificate or an onboardingSecret)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response carries a certificate or an onboarding secret

  # Applies when asynchronous_onboarding = true. A 201 needs no notification (not applicable
  # then); without [core.notifications] the harness has no receiver (not applicable either).
  @CCF-OK-09 @branch:onboarding-response @severity:mandatory @req:29222-openapi-202 @req:29222-openapi-notification
  Scenario: CCF-OK-09 A 202 Accepted is completed, within the declared bound, by an OnboardingNotification with a result to this request's notificationDestination
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then a 202 is completed by an OnboardingNotification within the declared bound

  # Applies when asynchronous_onboarding = true and [core.notifications] is set. For the
  # notification the core is the TLS client: the harness's impostor receiver
  # ([core.notifications] impostor_url / impostor_listen) presents, one request at a time, a
  # certificate from another CA, one for another name and an expired one. Passes only on what
  # was seen: each was met by a refused handshake (or a close before any request), nothing
  # reached the impostor, and the trusted receiver was notified afterwards.
  @CCF-OK-10 @branch:onboarding-response @severity:mandatory @req:33122-6.1-tls @req:rfc9110-4.3.4-verify @req:rfc9110-4.3.4-automated @req:29222-openapi-202
  Scenario: CCF-OK-10 The core authenticates the receiver it notifies: to a receiver presenting a certificate from another CA, for another name or expired it sends no notification (the handshake fails), and the trusted receiver is then notified
    Given a CAPIF core under test
    When valid onboarding requests name receivers whose certificates the core must refuse
    Then the core sends no notification to them and notifies the trusted receiver

  # Applies when asynchronous_onboarding = true and [core.notifications] is set. The receiver
  # keeps listening for the PIXIT [core.notifications] within after the first notification; a
  # repeat of the same result is not a contradiction.
  @CCF-OK-11 @branch:onboarding-response @severity:recommended @req:29222-openapi-202 @req:29222-openapi-notification
  Scenario: CCF-OK-11 One onboarding, one result: no later notification to the same destination contradicts the first (result, apiInvokerId, resourceLocation, certificate) within the declared bound
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then no later notification to its destination contradicts the first within the declared bound
