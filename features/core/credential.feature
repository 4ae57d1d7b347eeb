@sut:core
Feature: Validation of the onboarding credential (Figure X.1-1, "Request valid?")
  TS 33.122 Annex X.1: "The API Invoker includes an onboarding credential in the Onboard API
  Invoker Request message. The CAPIF core receives the Onboard API Invoker request message and
  validates the onboarding credential. [...] If the CAPIF core cannot validate the onboarding
  credentials, then an Onboard API Invoker response message containing an error response is
  returned to the API Invoker instead."
  TS 33.122 §6.1: an onboarding credential that is an OAuth 2.0 access token shall be a JWT
  (RFC 7519) with a JWS signature (RFC 7515).

  @CCF-CRED-01 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-01 The core rejects an onboarding request without a credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-02 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-02 The core rejects a malformed credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a malformed credential
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-03 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-03 The core rejects a credential whose signature was tampered with
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential whose signature was tampered with
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-04 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-04 The core rejects a credential presented with a scheme other than Bearer
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential under the Basic scheme
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-05 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-05 The core rejects an expired credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with an expired credential
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-06 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-06 The core rejects a credential signed by an unknown key
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential signed by an unknown key
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-07 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-07 The core's error response is a ProblemDetails whose status matches the HTTP status
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then the error is a ProblemDetails in application/problem+json whose status matches

  @CCF-CRED-08 @branch:request-validation @severity:recommended
  Scenario: CCF-CRED-08 A rejected request leaves no state and the same public key onboards afterwards
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a malformed credential
    Then the malformed credential was rejected
    When the invoker sends a valid onboarding request
    Then the same key onboards afterwards

  # RFC 7518 §3.6: an Unsecured JWS MUST NOT be accepted unless the application says so; the
  # harness derives it from the provisioned credential, so no key is needed.
  @CCF-CRED-09 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-09 The core rejects an unsecured credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential made unsecured (alg none)
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-10 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-10 A 401 carries a WWW-Authenticate challenge
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then a 401 carries a WWW-Authenticate challenge

  # The forged credentials below differ from a valid one minted the same way (the positive
  # control) in exactly one respect each.
  @CCF-CRED-11 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-11 The core rejects a credential with an unknown critical header parameter
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential naming an unknown critical header parameter
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-12 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-12 The core rejects a credential whose audience does not name it
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential for another audience
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-13 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-13 The core rejects a credential that is not valid yet
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential valid only from tomorrow
    Then the core rejects the request with a 4xx error and no onboarding result

  # The key-confusion forgery needs the core's public verification key: the harness derives
  # it from the key it mints with (the positive control proved that is the core's key).
  @CCF-CRED-14 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-14 The core rejects an HS256 credential MACed with its public key
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with an HS256 credential MACed with the core's public key
    Then the core rejects the request with a 4xx error and no onboarding result

  # Derived from the provisioned credential: works against any core, the harness needs no key.
  @CCF-CRED-15 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-15 The core rejects a credential signed by the key in its own jwk header
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential re-signed by a key in its own jwk header
    Then the core rejects the request with a 4xx error and no onboarding result

  # The harness serves the forging key over HTTPS on the address it reaches the core from, and
  # notes whether the core fetched it (SSRF).
  @CCF-CRED-17 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-17 The core rejects a credential signed by a key its jku header points to
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential re-signed by a key its jku header points to
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-18 @branch:request-validation @severity:mandatory
  Scenario: CCF-CRED-18 The core rejects a credential signed by a key its x5u header points to
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential re-signed by a key its x5u header points to
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-16 @branch:request-validation @severity:recommended
  Scenario: CCF-CRED-16 The core rejects a credential without an expiry
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential without an expiry
    Then the core rejects the request with a 4xx error and no onboarding result
