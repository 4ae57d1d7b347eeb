@sut:invoker
Feature: The invoker secures the connection before onboarding (Figure X.1-1, "Secure connection successful?")
  TS 33.122 Annex X.1: "Initially, the API Invoker attempts to establish a secure connection
  with the CAPIF core. If the onboarding session cannot be secured, the session is released and
  the onboarding flow ends." The invoker authenticates the core with the pre-provisioned root CA
  (TS 33.122 §6.1 step 2): chain and name.

  @INV-TLS-01 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-01 The invoker refuses a core certificate from another CA
    Given an API invoker under test
    And the harness core presents a other-ca certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-02 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-02 The invoker refuses an expired core certificate
    Given an API invoker under test
    And the harness core presents a expired certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-03 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-03 The invoker refuses a core certificate that is not yet valid
    Given an API invoker under test
    And the harness core presents a not-yet-valid certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-04 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-04 The invoker refuses a core certificate for another name
    Given an API invoker under test
    And the harness core presents a wrong-name certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-05 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-05 The invoker refuses a self-signed core certificate
    Given an API invoker under test
    And the harness core presents a self-signed certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-06 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-06 The invoker refuses a core certificate without serverAuth usage
    Given an API invoker under test
    And the harness core presents a client-auth-only certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-07 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-07 The invoker sends no credential to a listener that answers in clear
    Given an API invoker under test
    And the harness core answers in clear
    When the invoker onboards
    Then the invoker sends no credential in clear and reports failure

  @INV-TLS-08 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-08 The invoker's ClientHello offers nothing below TLS 1.2
    Given an API invoker under test
    And the harness core presents its valid certificate
    When the invoker onboards
    Then the ClientHello offers nothing below TLS 1.2

  @INV-TLS-09 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-09 The invoker refuses a core certificate issued by a non-CA certificate
    Given an API invoker under test
    And the harness core presents a issued-by-non-ca certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-10 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-10 The invoker's ClientHello offers both TLS 1.2 and TLS 1.3
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello offers both TLS 1.2 and TLS 1.3

  # RFC 9325 (BCP 195) §4.1 forbids NULL, anonymous, export, RC4 and single-DES suites (MUST
  # NOT negotiate); TS 33.210 §6.2.3 (the TLS 1.2 profile) was not available, BCP 195 stands in.
  @INV-TLS-11 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-11 The invoker's ClientHello offers no cipher suite RFC 9325 forbids
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello offers no forbidden cipher suite

  @INV-TLS-12 @branch:secure-connection @severity:recommended
  Scenario: INV-TLS-12 The invoker's ClientHello offers no cipher suite RFC 9325 discourages
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello offers no discouraged cipher suite

  @INV-TLS-13 @branch:secure-connection @severity:recommended
  Scenario: INV-TLS-13 Addressed by a DNS name, the invoker sends it as SNI
    Given an API invoker under test
    And the harness core is addressed by its DNS name
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello names the core in SNI

  @INV-TLS-14 @branch:secure-connection @severity:mandatory
  Scenario: INV-TLS-14 Addressed by a DNS name, the invoker refuses a certificate for another name
    Given an API invoker under test
    And the harness core is addressed by its DNS name
    And the harness core presents a wrong-name certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  # A core that accepts the connection and then says nothing (overloaded, a black-holing
  # middlebox, an attacker holding the invoker): the flow must end, not hang. The bound is the
  # vendor's PIXIT ([invoker] gives_up_within); a run still going after it (plus slack) fails.
  @waits @INV-TLS-15 @branch:secure-connection @severity:recommended
  Scenario: INV-TLS-15 The invoker gives up on a core that never answers its ClientHello
    Given an API invoker under test
    And the harness core never answers the ClientHello
    When the invoker onboards
    Then the invoker gives up within its declared bound and reports failure
