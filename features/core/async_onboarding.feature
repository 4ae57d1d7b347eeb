Feature: Asynchronous onboarding: a 202 Accepted completed by an OnboardingNotification (Figure B.1-1, "CAPIF core provides Onboard API Invoker response")
  A core that declares asynchronous_onboarding may answer a valid request with 202 Accepted;
  the onboarding result then arrives in an OnboardingNotification at the request's
  notificationDestination (TS 29.222). The harness receives it with [core.notifications]; the
  bound it waits is the vendor's PIXIT ([core.notifications] within), named in the reason.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [29222-openapi-202] 202: Accepted. The CCF accepted the Onboarding request and is processing it.
  [29222-openapi-notification] OnboardingNotification: required: result (resourceLocation and apiInvokerEnrolmentDetails are optional)
  [33122-6.1-tls] The API invoker and CAPIF core function shall establish a secure session based on TLS (Server side certificate authentication).
  [rfc9110-4.3.4-verify] To establish a connection to dereference a URI, a client MUST verify that the service's identity is an acceptable match for the URI's origin server. Certificate verification is used to prevent server impersonation by an on-path attacker or by an attacker that controls name resolution.
  [rfc9110-4.3.4-automated] Automated clients MUST log the error to an appropriate audit log (if available) and SHOULD terminate the connection (with a bad certificate error).

  # Applies when asynchronous_onboarding = true. A 201 needs no notification (not applicable
  # then); without [core.notifications] the harness has no receiver (not applicable either).
  @CCF-OK-09
  Scenario: CCF-OK-09 — A 202 Accepted is completed, within the declared bound, by an OnboardingNotification with a result to this request's notificationDestination
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
  @CCF-OK-10
  Scenario: CCF-OK-10 — The core authenticates the receiver it notifies: to a receiver presenting a certificate from another CA, for another name or expired it sends no notification (the handshake fails), and the trusted receiver is then notified
    Given a CAPIF core under test
    When valid onboarding requests name receivers whose certificates the core must refuse
    Then the core sends no notification to them and notifies the trusted receiver

  # Applies when asynchronous_onboarding = true and [core.notifications] is set. The receiver
  # keeps listening for the PIXIT [core.notifications] within after the first notification; a
  # repeat of the same result is not a contradiction.
  @CCF-OK-11
  Scenario: CCF-OK-11 — One onboarding, one result: no later notification to the same destination contradicts the first (result, apiInvokerId, resourceLocation, certificate) within the declared bound
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then no later notification to its destination contradicts the first within the declared bound
