@sut:core
Feature: Secure connection to the CAPIF core (Figure X.1-1, "Secure connection successful?")
  TS 33.122 Annex X.1: "Initially, the API Invoker attempts to establish a secure connection
  with the CAPIF core. If the onboarding session cannot be secured, the session is released and
  the onboarding flow ends."
  TS 33.210 §6.2.1: "SSL, TLS 1.0, TLS 1.1 and DTLS 1.0 shall not be supported"; "TLS 1.2 and
  TLS 1.3 shall be supported".

  @CCF-TLS-01 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-01 The core presents a certificate valid for its name under the provisioned root, over TLS 1.2 or 1.3
    Given a CAPIF core under test
    When the invoker connects with the provisioned root CA and the core's name
    Then the secure connection uses TLS 1.2 or TLS 1.3

  @CCF-TLS-02 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-02 The core refuses a ClientHello that offers only TLS 1.0 and TLS 1.1
    Given a CAPIF core under test
    When the invoker offers only TLS 1.0 and TLS 1.1
    Then the core refuses the handshake

  @CCF-TLS-03 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-03 The core does not process an onboarding request sent in clear
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request in clear to the core's port
    And the invoker onboards the same key over TLS
    Then the cleartext request was not processed

  @CCF-TLS-04 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-04 The core does not require a client certificate for onboarding
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request without a client certificate
    Then the core answers without requiring a client certificate

  @CCF-TLS-05 @branch:secure-connection @severity:recommended
  Scenario: CCF-TLS-05 The core survives an abandoned handshake and still onboards afterwards
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker abandons a handshake after its ClientHello
    And the invoker sends a valid onboarding request
    Then the core still onboards

  @CCF-TLS-06 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-06 The core completes a handshake with a client that offers only TLS 1.2
    Given a CAPIF core under test
    When the invoker connects offering only TLS 1.2
    Then the handshake completes

  @CCF-TLS-07 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-07 The core completes a handshake with a client that offers only TLS 1.3
    Given a CAPIF core under test
    When the invoker connects offering only TLS 1.3
    Then the handshake completes

  # Hand-built TLS 1.2 ClientHellos (rustls cannot offer these suites). A refusal only counts
  # after the same hello with the recommended AEAD suites got a ServerHello (positive control).
  @CCF-TLS-08 @branch:secure-connection @severity:mandatory
  Scenario: CCF-TLS-08 The core refuses a ClientHello offering only forbidden cipher suites
    Given a CAPIF core under test
    When the invoker offers only cipher suites RFC 9325 forbids
    Then the core refuses the handshake

  @CCF-TLS-09 @branch:secure-connection @severity:recommended
  Scenario: CCF-TLS-09 The core refuses a ClientHello offering only discouraged cipher suites
    Given a CAPIF core under test
    When the invoker offers only cipher suites RFC 9325 discourages
    Then the core refuses the handshake
