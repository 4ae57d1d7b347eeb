Feature: The invoker handles the Onboard API Invoker Response (Figure B.1-1, "CAPIF core provides Onboard API Invoker response")
  The played core answers the invoker's request with a valid 201, a defective one, another
  status, a 202 completed (or not) by an OnboardingNotification, or nothing at all; the
  adapter's exit status and last line are what the invoker reports. A bound the harness waits
  is the vendor's PIXIT ([invoker] gives_up_within), named in the reason.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-validate] If the onboarding credential is valid, the CAPIF core creates and returns an Onboard API Invoker Response message defined in clause 8.1 of 23.222 [3], which contains the API Invoker profile and includes the API Invoker ID.
  [29222-openapi-201] 201: Created. The API Invoker is successfully on-boarded.
  [33122-B.1-security-info] Security information for CAPIF-1 or CAPIF-1e authentication and (optionally) security information for CAPIF-2 or CAPIF-2e is also transferred to the API Invoker as part of the onboarding response.
  [29222-openapi-invoker-id] API invoker ID assigned by the CAPIF core function to the API invoker while on-boarding the API invoker. Shall not be present in the HTTP POST request from the API invoker to the CAPIF core function, to on-board itself. Shall be present in all other HTTP requests and responses.
  [29222-10.2-mtls] For rest of the CAPIF APIs, the TLS protocol based connection shall be established with certificate based mutual authentication
  [29222-openapi-202] 202: Accepted. The CCF accepted the Onboarding request and is processing it.
  [33122-B.1-secure-fails] Initially, the API Invoker attempts to establish a secure connection with the CAPIF core. If the onboarding session cannot be secured, the session is released and the onboarding flow ends.
  [rfc9112-9.5-timeouts] The use of persistent connections places no requirements on the length (or existence) of this timeout for either the client or the server.
  [33122-B.1-error] If the CAPIF core cannot validate the onboarding credentials, then an Onboard API Invoker response message containing an error response is returned to the API Invoker instead.

  @INV-OK-01
  Scenario: INV-OK-01 — On 201 the invoker reports success with the assigned apiInvokerId
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker reports success with the assigned apiInvokerId

  @INV-OK-02
  Scenario: INV-OK-02 — A 201 whose apiInvokerId or certificate is missing or unusable (empty, not PEM, unparsable, for another key, from another CA, expired) is not reported as success
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

  @waits @INV-OK-03
  Scenario: INV-OK-03 — Only 201 Created is reported as success: not 200, 202 (asynchronous onboarding, not declared) or 204
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

  @waits @INV-OK-04
  Scenario: INV-OK-04 — The invoker gives up on a core that never answers the onboarding request, within its declared bound, and reports failure
    Given an API invoker under test
    And the harness core never answers the onboarding request
    When the invoker onboards
    Then the invoker gives up within its declared bound and reports failure

  # Run by `capif-conformance fuzz --sut invoker`, not by `run`: the played core answers with
  # generated answers (README "Property-based robustness"), one adapter run each, judged once
  # per property.

  @INV-FUZZ-01
  Scenario: INV-FUZZ-01 — The invoker reports success for no generated answer with an error status (4xx, 5xx)
    Given a property-based campaign of generated answers to the invoker under test
    Then the invoker reported success for no generated answer with an error status

  @INV-FUZZ-02
  Scenario: INV-FUZZ-02 — The invoker reports success only for a valid 201 Created: not for another success status, nor for a 201 whose apiInvokerId or certificate is missing, of another JSON type or unusable, nor for a body that is not JSON
    Given a property-based campaign of generated answers to the invoker under test
    Then the invoker reported success for no generated answer that is not a valid 201

  @INV-FUZZ-03
  Scenario: INV-FUZZ-03 — On every generated answer the invoker ends within its declared bound, without crashing
    Given a property-based campaign of generated answers to the invoker under test
    Then the invoker ended every run within its declared bound, without crashing
