Feature: Validation of the onboarding credential (Figure B.1-1, "Request valid?")
  The core validates the onboarding credential of every Onboard API Invoker Request and answers
  an error when it cannot (TS 33.122 Annex B.1). Credentials the harness forges are judged only
  after a credential it mints was accepted (the positive control), so a core that refuses
  everything does not pass them.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-request] If the session is secured, the API Invoker requests onboarding using the Onboard API Invoker Request message defined in clause 8.1 of 23.222 [3]. The API Invoker includes an onboarding credential in the Onboard API Invoker Request message.
  [33122-B.1-error] If the CAPIF core cannot validate the onboarding credentials, then an Onboard API Invoker response message containing an error response is returned to the API Invoker instead.
  [33122-6.1-token-validated] [the onboarding credential, when an OAuth 2.0 access token,] shall be validated per OAuth 2.0, RFC 7519 and RFC 7515 [and] shall include the JSON web signature
  [rfc7519-7.2-reject] If any of the listed steps fail, then the JWT MUST be rejected -- that is, treated by the application as an invalid input.
  [rfc6750-2.1-bearer] Clients SHOULD make authenticated requests with a bearer token using the "Authorization" request header field with the "Bearer" HTTP authorization scheme.
  [rfc7519-4.1.4-exp-check] The processing of the "exp" claim requires that the current date/time MUST be before the expiration date/time listed in the "exp" claim.
  [29222-7.7-errors] HTTP error handling described in clause 5.2.6 of 3GPP TS 29.122 is applicable
  [29222-openapi-errors] "400": content: application/problem+json: schema: ProblemDetails, description: Bad request (likewise 401, 403, 404, 411, 413, 415, 429, 500, 503)
  [rfc7518-3.6-none] Implementations that support Unsecured JWSs MUST NOT accept such objects as valid unless the application specifies that it is acceptable for a specific object to not be integrity protected.
  [rfc9110-11.6.1-www-authenticate] A server generating a 401 (Unauthorized) response MUST send a WWW-Authenticate header field containing at least one challenge.
  [rfc6750-3-www-authenticate] If the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP "WWW-Authenticate" response header field
  [rfc6750-3.1-error-attribute] If the protected resource request included an access token and failed authentication, the resource server SHOULD include the "error" attribute to provide the client with the reason why the access request was declined.
  [rfc7515-4.1.11-crit] If any of the listed extension Header Parameters are not understood and supported by the recipient, then the JWS is invalid.
  [rfc7519-4.1.3-aud] If the principal processing the claim does not identify itself with a value in the "aud" claim when this claim is present, then the JWT MUST be rejected.
  [rfc7519-4.1.5-nbf] The "nbf" (not before) claim identifies the time before which the JWT MUST NOT be accepted for processing.
  [rfc8725-3.1-one-alg] each key MUST be used with exactly one algorithm, and this MUST be checked when the cryptographic operation is performed.
  [rfc7519-4.1.4-exp-optional] Use of this claim is OPTIONAL.

  @CCF-CRED-01
  Scenario: CCF-CRED-01 — The core rejects an onboarding request without a credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-02
  Scenario: CCF-CRED-02 — The core rejects a malformed credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a malformed credential
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-03
  Scenario: CCF-CRED-03 — The core rejects a credential whose signature was tampered with
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential whose signature was tampered with
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-04
  Scenario: CCF-CRED-04 — The core rejects a credential presented with a scheme other than Bearer
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential under the Basic scheme
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-05
  Scenario: CCF-CRED-05 — The core rejects an expired credential
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with an expired credential
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-06
  Scenario: CCF-CRED-06 — The core rejects a credential signed by an unknown key
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential signed by an unknown key
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-07
  Scenario: CCF-CRED-07 — The core's error response is a ProblemDetails in application/problem+json whose status, when present, matches the HTTP status
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then the error is a ProblemDetails in application/problem+json whose status matches

  @CCF-CRED-08
  Scenario: CCF-CRED-08 — A rejected request leaves no state: the same public key onboards afterwards
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a malformed credential
    Then the malformed credential was rejected
    When the invoker sends a valid onboarding request
    Then the same key onboards afterwards

  # RFC 7518 §3.6: an Unsecured JWS MUST NOT be accepted unless the application says so; the
  # harness derives it from the provisioned credential, so no key is needed.
  @CCF-CRED-09
  Scenario: CCF-CRED-09 — The core rejects an unsecured credential (alg: none, signature removed)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential made unsecured (alg none)
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-10
  Scenario: CCF-CRED-10 — A 401 carries a WWW-Authenticate challenge
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then a 401 carries a WWW-Authenticate challenge

  # RFC 9110 §11.6.1 binds every 401, not only the one for a missing credential (CCF-CRED-10).
  # A core answering another 4xx to a credential is not judged here; a core that omits the
  # challenge from every 401 is CCF-CRED-10's finding.
  @CCF-CRED-19
  Scenario: CCF-CRED-19 — Every 401 carries a WWW-Authenticate challenge, also for a credential that was presented and refused (malformed, tampered, unsecured, under another scheme)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends onboarding requests with no, a malformed, a tampered, an unsecured and a Basic credential
    Then every 401 among the answers carries a WWW-Authenticate challenge

  # Only the 401s to a presented Bearer token (malformed, tampered, unsecured) are judged: a
  # request without authentication information should get no error code (RFC 6750 §3.1).
  @CCF-CRED-20
  Scenario: CCF-CRED-20 — A 401 to a presented Bearer token names the error in its challenge (error="invalid_token")
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends onboarding requests with no, a malformed, a tampered, an unsecured and a Basic credential
    Then every 401 to a presented Bearer token names the error in its challenge

  # The forged credentials below differ from a valid one minted the same way (the positive
  # control) in exactly one respect each.
  @CCF-CRED-11
  Scenario: CCF-CRED-11 — The core rejects a credential with an unknown critical header parameter (crit)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential naming an unknown critical header parameter
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-12
  Scenario: CCF-CRED-12 — The core rejects a credential whose audience (aud) does not name it
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential for another audience
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-13
  Scenario: CCF-CRED-13 — The core rejects a credential that is not valid yet (nbf in the future)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential valid only from tomorrow
    Then the core rejects the request with a 4xx error and no onboarding result

  # The key-confusion forgery needs the core's public verification key: the harness derives
  # it from the key it mints with (the positive control proved that is the core's key).
  @CCF-CRED-14
  Scenario: CCF-CRED-14 — The core rejects an HS256 credential MACed with its public verification key (algorithm confusion)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with an HS256 credential MACed with the core's public key
    Then the core rejects the request with a 4xx error and no onboarding result

  # Derived from the provisioned credential: works against any core, the harness needs no key.
  @CCF-CRED-15
  Scenario: CCF-CRED-15 — The core rejects a credential signed by the key its own jwk header carries
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential re-signed by a key in its own jwk header
    Then the core rejects the request with a 4xx error and no onboarding result

  # The harness serves the forging key over HTTPS on the address it reaches the core from, and
  # notes whether the core fetched it (SSRF).
  @CCF-CRED-17
  Scenario: CCF-CRED-17 — The core rejects a credential signed by a key its own jku header points to
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential re-signed by a key its jku header points to
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-18
  Scenario: CCF-CRED-18 — The core rejects a credential signed by a key its own x5u header points to
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with the credential re-signed by a key its x5u header points to
    Then the core rejects the request with a 4xx error and no onboarding result

  @CCF-CRED-16
  Scenario: CCF-CRED-16 — The core rejects a credential without an expiry (exp)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request with a credential without an expiry
    Then the core rejects the request with a 4xx error and no onboarding result
