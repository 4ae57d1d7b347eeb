Feature: The invoker secures the connection before onboarding (Figure B.1-1, "Secure connection successful?")
  The invoker authenticates the core with the pre-provisioned root CA (TS 33.122 §6.1 step 2):
  chain and name. A certificate it must refuse is presented by the played core; the invoker
  passes when it sends nothing (no credential, no request) and reports failure.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-secure-fails] Initially, the API Invoker attempts to establish a secure connection with the CAPIF core. If the onboarding session cannot be secured, the session is released and the onboarding flow ends.
  [33122-6.1-tls] The API invoker and CAPIF core function shall establish a secure session based on TLS (Server side certificate authentication).
  [33210-6.2.1-no-legacy] SSL 1.0, SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1 and DTLS 1.0 shall not be supported.
  [33210-6.2.1-tls12-tls13] TLS 1.2 as specified in RFC 5246 shall be supported. TLS 1.3 as specified in RFC 8446 shall be supported.
  [rfc9325-4.1-null] Implementations MUST NOT negotiate the cipher suites with NULL encryption.
  [rfc9325-4.1-rc4] Implementations MUST NOT negotiate RC4 cipher suites.
  [rfc9325-4.1-112bit] Implementations MUST NOT negotiate cipher suites offering less than 112 bits of security, including so-called "export-level" encryption
  [rfc7465-2-rc4-offer] TLS clients MUST NOT include RC4 cipher suites in the ClientHello message.
  [rfc5246-A.5-anon] These cipher suites MUST NOT be used by TLS 1.2 implementations unless the application layer has specifically requested to allow anonymous key exchange.
  [rfc9325-4.1-static-rsa] Implementations SHOULD NOT negotiate cipher suites based on RSA key transport, a.k.a. "static RSA".
  [rfc9325-4.1-dhe] TLS 1.2 implementations SHOULD NOT negotiate cipher suites based on ephemeral finite-field Diffie-Hellman key agreement (i.e., "TLS_DHE_*" suites).
  [rfc9325-4.2-cbc] A cipher suite that operates in CBC (cipher block chaining) mode [...] SHOULD NOT be used unless the encrypt_then_mac extension [RFC7366] is also successfully negotiated. This requirement applies to both client and server implementations.
  [rfc9325-4.1-128bit] Implementations SHOULD NOT negotiate cipher suites that use algorithms offering less than 128 bits of security.
  [rfc8446-9.2-sni] all implementations MUST support the use of the "server_name" extension with applications capable of using it.
  [rfc9325-3.7-sni-policy] the actual use of SNI in particular circumstances is a matter of local policy.
  [rfc9112-9.5-timeouts] The use of persistent connections places no requirements on the length (or existence) of this timeout for either the client or the server.
  [rfc8446-4.1.3-downgrade-abort] TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below MUST check that the last 8 bytes are not equal to either of these values. TLS 1.2 clients SHOULD also check that the last 8 bytes are not equal to the second value if the ServerHello indicates TLS 1.1 or below. If a match is found, the client MUST abort the handshake with an "illegal_parameter" alert.
  [rfc8446-4.1.3-downgrade] TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below MUST check that the last 8 bytes are not equal to either of these values.
  [33210-6.2.1-no-upgrade] If the TLS connection is used to transport HTTP over TLS as specified in RFC 9110, then the client shall not establish a connection "upgraded to TLS Within HTTP/1.1" per RFC 2817, but shall only establish the tunnel over a raw TCP connection.
  [rfc9325-4.5-sha1-md5] In addition, the use of the SHA-256 hash algorithm is RECOMMENDED and SHA-1 or MD5 MUST NOT be used
  [33210-6.2.2-rfc8446-9.1] The requirements given in of Section 9.1 of RFC 8446 TLS 1.3 shall be followed.
  [rfc8446-9.1-mti] A TLS-compliant application MUST implement the TLS_AES_128_GCM_SHA256 [GCM] cipher suite and SHOULD implement the TLS_AES_256_GCM_SHA384 [GCM] and TLS_CHACHA20_POLY1305_SHA256 [RFC8439] cipher suites (see Appendix B.4). A TLS-compliant application MUST support digital signatures with rsa_pkcs1_sha256 (for certificates), rsa_pss_rsae_sha256 (for CertificateVerify and certificates), and ecdsa_secp256r1_sha256. A TLS-compliant application MUST support key exchange with secp256r1 (NIST P-256) and SHOULD support key exchange with X25519 [RFC7748].
  [33210-6.2.2-secp384r1] Key exchange with secp384r1 should be supported.
  [33210-6.2.2-rfc8446-9.2] The requirements given in of Section 9.2 of RFC 8446 TLS 1.3 shall be followed.
  [rfc8446-9.2-tls13-hello] A client is considered to be attempting to negotiate using this specification if the ClientHello contains a "supported_versions" extension with 0x0304 contained in its body. Such a ClientHello message MUST meet the following requirements: If not containing a "pre_shared_key" extension, it MUST contain both a "signature_algorithms" extension and a "supported_groups" extension. If containing a "supported_groups" extension, it MUST also contain a "key_share" extension, and vice versa. An empty KeyShare.client_shares vector is permitted.
  [rfc9325-3.5-reneg-info] TLS 1.2 clients MUST send renegotiation_info in the Client Hello. If the server does not acknowledge the extension, the client MUST generate a fatal handshake_failure alert
  [rfc9325-3.5-server-reneg-info] TLS 1.2 clients and servers MUST implement the renegotiation_info extension, as defined in [RFC5746].
  [rfc9325-3.5-ems-support] To address this attack, TLS 1.2 implementations MUST support the extended_master_secret extension defined in [RFC7627].

  @INV-TLS-01
  Scenario: INV-TLS-01 — The invoker refuses a core certificate from another CA and sends nothing
    Given an API invoker under test
    And the harness core presents a other-ca certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-02
  Scenario: INV-TLS-02 — The invoker refuses an expired core certificate and sends nothing
    Given an API invoker under test
    And the harness core presents a expired certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-03
  Scenario: INV-TLS-03 — The invoker refuses a core certificate that is not yet valid and sends nothing
    Given an API invoker under test
    And the harness core presents a not-yet-valid certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-04
  Scenario: INV-TLS-04 — The invoker refuses a core certificate for another name and sends nothing
    Given an API invoker under test
    And the harness core presents a wrong-name certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-05
  Scenario: INV-TLS-05 — The invoker refuses a self-signed core certificate and sends nothing
    Given an API invoker under test
    And the harness core presents a self-signed certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-06
  Scenario: INV-TLS-06 — The invoker refuses a core certificate without serverAuth usage and sends nothing
    Given an API invoker under test
    And the harness core presents a client-auth-only certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-07
  Scenario: INV-TLS-07 — The invoker sends no credential to a listener that answers in clear
    Given an API invoker under test
    And the harness core answers in clear
    When the invoker onboards
    Then the invoker sends no credential in clear and reports failure

  # The same listener: whatever the invoker sends in clear after its TLS attempt failed, it is
  # not a request for an upgrade to TLS (RFC 2817), which TS 33.210 forbids a client.
  @INV-TLS-17
  Scenario: INV-TLS-17 — The invoker never asks a listener for an upgrade to TLS within HTTP/1.1 (Upgrade: TLS in clear)
    Given an API invoker under test
    And the harness core answers in clear
    When the invoker onboards
    Then the invoker sent no Upgrade to TLS in clear

  @INV-TLS-08
  Scenario: INV-TLS-08 — The invoker does not negotiate anything below TLS 1.2
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core speaks only TLS 1.1
    When the invoker onboards
    Then the invoker refuses a TLS 1.1 ServerHello

  @INV-TLS-09
  Scenario: INV-TLS-09 — The invoker refuses a core certificate issued by a non-CA certificate and sends nothing
    Given an API invoker under test
    And the harness core presents a issued-by-non-ca certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  @INV-TLS-10
  Scenario: INV-TLS-10 — The invoker onboards with a core that speaks only TLS 1.2 and with one that speaks only TLS 1.3
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards with a core that speaks only TLS 1.2
    And the invoker onboards with a core that speaks only TLS 1.3
    Then the invoker completed a handshake with each single-version core

  # RFC 9325 (BCP 195) §4.1 forbids NULL, anonymous, export, RC4 and single-DES suites (MUST
  # NOT negotiate); TS 33.210 §6.2.3 (the TLS 1.2 profile) was not available, BCP 195 stands in.
  @INV-TLS-11
  Scenario: INV-TLS-11 — The invoker's ClientHello offers no cipher suite RFC 9325 forbids (NULL, anonymous, export, RC4, single DES)
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello offers no forbidden cipher suite

  @INV-TLS-12
  Scenario: INV-TLS-12 — The invoker's ClientHello offers no cipher suite RFC 9325 discourages (3DES, static RSA, finite-field DH, CBC without encrypt_then_mac)
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello offers no discouraged cipher suite

  @INV-TLS-13
  Scenario: INV-TLS-13 — Addressed by a DNS name, the invoker sends it as SNI
    Given an API invoker under test
    And the harness core is addressed by its DNS name
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then the ClientHello names the core in SNI

  @INV-TLS-14
  Scenario: INV-TLS-14 — Addressed by a DNS name, the invoker refuses a core certificate for another name and sends nothing
    Given an API invoker under test
    And the harness core is addressed by its DNS name
    And the harness core presents a wrong-name certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  # A core that accepts the connection and then says nothing (overloaded, a black-holing
  # middlebox, an attacker holding the invoker): the flow must end, not hang. The bound is the
  # vendor's PIXIT ([invoker] gives_up_within); a run still going after it (plus slack) fails.
  @waits @INV-TLS-15
  Scenario: INV-TLS-15 — The invoker gives up on a core that never answers its ClientHello, within its declared bound, and reports failure
    Given an API invoker under test
    And the harness core never answers the ClientHello
    When the invoker onboards
    Then the invoker gives up within its declared bound and reports failure

  # A complete TLS 1.2 flight built by hand (ServerHello, Certificate, signed ECDHE
  # ServerKeyExchange, ServerHelloDone), once with the sentinel in ServerHello.random and once
  # without: the control proves the flight itself is acceptable, so an abort is the sentinel's.
  # Not applicable to an invoker that does not offer TLS 1.3.
  @INV-TLS-16
  Scenario: INV-TLS-16 — Having offered TLS 1.3, the invoker aborts with illegal_parameter on a TLS 1.2 ServerHello carrying the downgrade sentinel, and goes on with the same ServerHello without it
    Given an API invoker under test
    And the harness core presents its valid certificate
    When the invoker onboards with a core answering TLS 1.2 with the downgrade sentinel, and with one answering without it
    Then the invoker aborts on the sentinel with illegal_parameter and goes on without it

  # The chain is whole and its signature real (a P-256 intermediate of the provisioned root signed
  # the leaf with ecdsa-with-SHA1): only the hash is wrong.
  @INV-TLS-18
  Scenario: INV-TLS-18 — The invoker refuses a core certificate signed with SHA-1 and sends nothing
    Given an API invoker under test
    And the harness core presents a sha1-signed certificate
    When the invoker onboards
    Then the invoker aborts the handshake, sends nothing and reports failure

  # Judged on every ClientHello of the run that offers TLS 1.2 (RFC 5746 §3.3 lets a client
  # signal renegotiation_info by the empty extension or the SCSV). Not applicable to an invoker
  # offering TLS 1.3 only. Whether it aborts on a ServerHello without the acknowledgement is
  # INV-TLS-24's.
  @INV-TLS-19
  Scenario: INV-TLS-19 — Offering TLS 1.2, the invoker's ClientHello signals renegotiation_info (the extension or the SCSV)
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then every ClientHello offering TLS 1.2 carries renegotiation_info

  @INV-TLS-20
  Scenario: INV-TLS-20 — Offering TLS 1.2, the invoker's ClientHello offers extended_master_secret
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then every ClientHello offering TLS 1.2 carries extended_master_secret

  # Active: a played core that offers only the mandatory-to-implement parameters (a ClientHello
  # lists what a client offers, not what completes). An invoker offering no TLS 1.3 at all is
  # INV-TLS-10's finding (inconclusive here).
  @INV-TLS-21
  Scenario: INV-TLS-21 — The invoker onboards with a core speaking TLS 1.3 with only TLS_AES_128_GCM_SHA256 and key exchange secp256r1 (the mandatory-to-implement suite and group)
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards with a core speaking TLS 1.3 with only the mandatory-to-implement suite and group
    Then the invoker completed the handshake with the mandatory-to-implement suite and group

  @INV-TLS-22
  Scenario: INV-TLS-22 — The invoker onboards with a core speaking TLS 1.3 with key exchange secp384r1 only
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards with a core speaking TLS 1.3 with only secp384r1
    Then the invoker completed the handshake with secp384r1

  @INV-TLS-23
  Scenario: INV-TLS-23 — Offering TLS 1.3, the invoker's ClientHello carries the extensions RFC 8446 §9.2 requires (signature_algorithms, supported_groups, key_share)
    Given an API invoker under test
    And the harness core presents its valid certificate
    And the harness core onboards valid requests
    When the invoker onboards
    Then every ClientHello offering TLS 1.3 carries the extensions RFC 8446 §9.2 requires

  # A complete TLS 1.2 flight built by hand (as INV-TLS-16's), once without renegotiation_info
  # in the ServerHello and once with it: the control proves the flight itself is acceptable, so
  # an abort is the missing acknowledgement's. Not applicable to an invoker offering no TLS 1.2.
  @INV-TLS-24
  Scenario: INV-TLS-24 — Offered TLS 1.2, the invoker aborts with a fatal handshake_failure on a TLS 1.2 ServerHello that does not acknowledge renegotiation_info, and goes on with the same flight acknowledging it
    Given an API invoker under test
    And the harness core presents its valid certificate
    When the invoker onboards with a core whose TLS 1.2 ServerHello does not acknowledge renegotiation_info, and with one whose does
    Then the invoker aborts with handshake_failure without the acknowledgement and goes on with it
