Feature: Asynchronous onboarding: the invoker takes a 202 Accepted and its OnboardingNotification (Figure B.1-1, "CAPIF core provides Onboard API Invoker response")
  The played core answers the invoker's request with 202 Accepted and completes it (or not)
  with an OnboardingNotification to the notificationDestination the invoker named; the
  adapter's exit status and last line are what the invoker reports. A bound the harness waits
  is the vendor's PIXIT ([invoker] gives_up_within), named in the reason.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-security-info] Security information for CAPIF-1 or CAPIF-1e authentication and (optionally) security information for CAPIF-2 or CAPIF-2e is also transferred to the API Invoker as part of the onboarding response.
  [29222-10.2-mtls] For rest of the CAPIF APIs, the TLS protocol based connection shall be established with certificate based mutual authentication
  [29222-openapi-202] 202: Accepted. The CCF accepted the Onboarding request and is processing it.
  [rfc9112-9.5-timeouts] The use of persistent connections places no requirements on the length (or existence) of this timeout for either the client or the server.
  [29222-openapi-notification] OnboardingNotification: required: result (resourceLocation and apiInvokerEnrolmentDetails are optional)
  [29222-openapi-callback-204] 204: No Content. The onboarding notification is successfully received
  [33122-6.1-tls] The API invoker and CAPIF core function shall establish a secure session based on TLS (Server side certificate authentication).

  # Asynchronous onboarding (TS 29.222 §8.4.2.2.3.1): "202 Accepted: the CAPIF core accepted
  # the request, and the onboarding result will be notified" to the request's
  # notificationDestination (OnboardingNotification, result required). The played core POSTs
  # it over HTTPS to the URI the invoker sent, without authenticating the invoker's receiver.
  # An invoker that cannot receive notifications exits 89 (not applicable).
  @INV-OK-05
  Scenario: INV-OK-05 — After a 202 Accepted the invoker reports success only once the OnboardingNotification arrived, with the notified apiInvokerId
    Given an API invoker under test
    And the harness core answers 202 and then notifies success
    When the invoker onboards
    Then the invoker reports success once the notification arrived

  @INV-OK-06
  Scenario: INV-OK-06 — After a 202 Accepted and an OnboardingNotification with result false the invoker reports failure
    Given an API invoker under test
    And the harness core answers 202 and then notifies failure
    When the invoker onboards
    Then the invoker reports the notified failure

  @waits @INV-OK-07
  Scenario: INV-OK-07 — After a 202 Accepted that is never notified the invoker gives up within its declared bound and reports failure
    Given an API invoker under test
    And the harness core answers 202 and never notifies
    When the invoker onboards
    Then the invoker gives up on the missing notification within its declared bound

  # The notified result is judged as a 201's (INV-OK-02): unusable enrolment details in the
  # OnboardingNotification are no success. Judged only once the notification was delivered.
  @INV-OK-08
  Scenario: INV-OK-08 — After a 202 Accepted, an OnboardingNotification whose apiInvokerId or certificate is unusable (empty, not PEM, unparsable, for another key, from another CA, expired) is not reported as success
    Given an API invoker under test
    And the harness core answers 202 and then notifies success with an empty apiInvokerId
    When the invoker onboards
    Then the invoker does not report the notified result as success
    Given the harness core answers 202 and then notifies success with an empty certificate
    When the invoker onboards
    Then the invoker does not report the notified result as success
    Given the harness core answers 202 and then notifies success with a certificate that is not PEM
    When the invoker onboards
    Then the invoker does not report the notified result as success
    Given the harness core answers 202 and then notifies success with an unparsable certificate
    When the invoker onboards
    Then the invoker does not report the notified result as success
    Given the harness core answers 202 and then notifies success with a certificate for another key
    When the invoker onboards
    Then the invoker does not report the notified result as success
    Given the harness core answers 202 and then notifies success with a certificate from another CA
    When the invoker onboards
    Then the invoker does not report the notified result as success
    Given the harness core answers 202 and then notifies success with an expired certificate
    When the invoker onboards
    Then the invoker does not report the notified result as success

  # The notification is CAPIF-1/1e traffic: over TLS (TS 33.122 §6.1), so the destination is
  # https://. On loopback nothing but the invoker can refuse the played core's connection.
  @INV-OK-09
  Scenario: INV-OK-09 — The invoker names an https:// notificationDestination and serves it (on loopback, a refused connection fails)
    Given an API invoker under test
    And the harness core answers 202 and then notifies success
    When the invoker onboards
    Then the invoker's notificationDestination is an https URI it serves

  @INV-OK-10
  Scenario: INV-OK-10 — A notification POSTed to a path of the invoker's receiver other than the notificationDestination it named is refused (4xx) and not taken as the result
    Given an API invoker under test
    And the harness core answers 202, posts a forged failure to another path of the invoker's receiver, then notifies success
    When the invoker onboards
    Then the invoker refuses the forged notification and reports the notified success

  # The API's callback defines one success answer, 204 (informational: the OpenAPI response
  # carries no keyword). Judged on the notification the played core delivered.
  @INV-OK-11
  Scenario: INV-OK-11 — The invoker's receiver answers the OnboardingNotification with 204 No Content
    Given an API invoker under test
    And the harness core answers 202 and then notifies success
    When the invoker onboards
    Then the invoker's receiver answered the notification with 204 No Content
