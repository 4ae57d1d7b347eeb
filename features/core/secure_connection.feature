Feature: Secure connection to the CAPIF core (Figure B.1-1, "Secure connection successful?")
  The invoker connects with server certificate authentication only and the TLS profile of
  TS 33.122 §6.1 → TS 33.310 Annex E → TS 33.210 §6.2: TLS 1.2 and 1.3, nothing older, no
  suite RFC 9325 forbids. A ClientHello the core will not negotiate is judged by what the core
  did (negotiated nothing, or negotiated it), never by how long it stayed silent.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-secure-fails] Initially, the API Invoker attempts to establish a secure connection with the CAPIF core. If the onboarding session cannot be secured, the session is released and the onboarding flow ends.
  [33122-6.1-tls] The API invoker and CAPIF core function shall establish a secure session based on TLS (Server side certificate authentication).
  [33122-6.1-tls-profile] Security profiles for TLS implementation and usage shall follow the provisions given in TS 33.310, Annex E.
  [33210-6.2.1-no-legacy] SSL 1.0, SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1 and DTLS 1.0 shall not be supported.
  [33210-6.2.1-tls12-tls13] TLS 1.2 as specified in RFC 5246 shall be supported. TLS 1.3 as specified in RFC 8446 shall be supported.
  [rfc9325-4.1-null] Implementations MUST NOT negotiate the cipher suites with NULL encryption.
  [rfc9325-4.1-rc4] Implementations MUST NOT negotiate RC4 cipher suites.
  [rfc9325-4.1-112bit] Implementations MUST NOT negotiate cipher suites offering less than 112 bits of security, including so-called "export-level" encryption
  [rfc5246-A.5-anon] These cipher suites MUST NOT be used by TLS 1.2 implementations unless the application layer has specifically requested to allow anonymous key exchange.
  [rfc9325-4.1-static-rsa] Implementations SHOULD NOT negotiate cipher suites based on RSA key transport, a.k.a. "static RSA".
  [rfc9325-4.1-dhe] TLS 1.2 implementations SHOULD NOT negotiate cipher suites based on ephemeral finite-field Diffie-Hellman key agreement (i.e., "TLS_DHE_*" suites).
  [rfc9325-4.2-cbc] A cipher suite that operates in CBC (cipher block chaining) mode [...] SHOULD NOT be used unless the encrypt_then_mac extension [RFC7366] is also successfully negotiated. This requirement applies to both client and server implementations.
  [rfc9325-4.1-128bit] Implementations SHOULD NOT negotiate cipher suites that use algorithms offering less than 128 bits of security.
  [33210-6.2.3-aead-pfs] Only cipher suites with AEAD (e.g., GCM) and PFS (e.g. ECDHE, DHE) shall be supported.
  [rfc9325-3.1.1-prefer-tls13] Implementations SHOULD support TLS 1.3 [RFC8446] and, if implemented, MUST prefer to negotiate TLS 1.3 over earlier versions of TLS.
  [33210-6.2.2-rfc8446-9.1] The requirements given in of Section 9.1 of RFC 8446 TLS 1.3 shall be followed.
  [rfc8446-9.1-mti] A TLS-compliant application MUST implement the TLS_AES_128_GCM_SHA256 [GCM] cipher suite and SHOULD implement the TLS_AES_256_GCM_SHA384 [GCM] and TLS_CHACHA20_POLY1305_SHA256 [RFC8439] cipher suites (see Appendix B.4). A TLS-compliant application MUST support digital signatures with rsa_pkcs1_sha256 (for certificates), rsa_pss_rsae_sha256 (for CertificateVerify and certificates), and ecdsa_secp256r1_sha256. A TLS-compliant application MUST support key exchange with secp256r1 (NIST P-256) and SHOULD support key exchange with X25519 [RFC7748].
  [33210-6.2.2-secp384r1] Key exchange with secp384r1 should be supported.
  [rfc9325-3.5-server-reneg-info] TLS 1.2 clients and servers MUST implement the renegotiation_info extension, as defined in [RFC5746].
  [rfc9325-3.5-ems-support] To address this attack, TLS 1.2 implementations MUST support the extended_master_secret extension defined in [RFC7627].
  [rfc9325-4.2.1-prefer] Servers MUST prefer this cipher suite [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256] over weaker cipher suites whenever it is proposed, even if it is not the first proposal.
  [rfc9325-4.5-rsa2048] servers MUST authenticate using certificates with at least a 2048-bit modulus for the public key
  [rfc9325-4.5-curves] Curves of less than 224 bits MUST NOT be used
  [rfc9325-4.5-sha1-md5] In addition, the use of the SHA-256 hash algorithm is RECOMMENDED and SHA-1 or MD5 MUST NOT be used
  [rfc9325-3.10-0rtt] applications MUST avoid this feature [0-RTT data] unless an explicit specification exists
  [rfc8446-E.5-0rtt] Application protocols MUST NOT use 0-RTT data without a profile that defines its use. That profile needs to identify which messages or interactions are safe to use with 0-RTT and how to handle the situation when the server rejects 0-RTT and falls back to 1-RTT.

  @CCF-TLS-01
  Scenario: CCF-TLS-01 — The core presents a certificate that chains to the provisioned root and is valid for its name, over TLS 1.2 or 1.3
    Given a CAPIF core under test
    When the invoker connects with the provisioned root CA and the core's name
    Then the secure connection uses TLS 1.2 or TLS 1.3

  @CCF-TLS-02
  Scenario: CCF-TLS-02 — The core refuses a ClientHello that offers only TLS 1.0/1.1
    Given a CAPIF core under test
    When the invoker offers only TLS 1.0 and TLS 1.1
    Then the core refuses the handshake

  @CCF-TLS-03
  Scenario: CCF-TLS-03 — The core does not process an onboarding request sent in clear
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request in clear to the core's port
    And the invoker onboards the same key over TLS
    Then the cleartext request was not processed

  @CCF-TLS-04
  Scenario: CCF-TLS-04 — The core does not require a client certificate for onboarding
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request without a client certificate
    Then the core answers without requiring a client certificate

  @CCF-TLS-05
  Scenario: CCF-TLS-05 — The core survives an abandoned handshake and still onboards afterwards
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker abandons a handshake after its ClientHello
    And the invoker sends a valid onboarding request
    Then the core still onboards

  @CCF-TLS-06
  Scenario: CCF-TLS-06 — The core completes a handshake with a client that offers only TLS 1.2
    Given a CAPIF core under test
    When the invoker connects offering only TLS 1.2
    Then the handshake completes

  @CCF-TLS-07
  Scenario: CCF-TLS-07 — The core completes a handshake with a client that offers only TLS 1.3
    Given a CAPIF core under test
    When the invoker connects offering only TLS 1.3
    Then the handshake completes

  # Judged only for a core that speaks TLS 1.3 (a client offering only TLS 1.3 completes a
  # handshake): whether it must is CCF-TLS-07's.
  @CCF-TLS-10
  Scenario: CCF-TLS-10 — Offered TLS 1.2 and TLS 1.3, a core that speaks TLS 1.3 negotiates TLS 1.3
    Given a CAPIF core under test
    When the invoker connects offering TLS 1.2 and TLS 1.3, and then only TLS 1.3
    Then the core negotiated TLS 1.3 when both were offered

  # The client offers nothing else: one suite, one group (signature schemes as rustls offers
  # them; the core's certificate decides which it uses).
  @CCF-TLS-13
  Scenario: CCF-TLS-13 — Offered only TLS 1.3 with TLS_AES_128_GCM_SHA256 and key exchange secp256r1 (the mandatory-to-implement suite and group), the core completes the handshake
    Given a CAPIF core under test
    When the invoker connects offering only TLS 1.3 with TLS_AES_128_GCM_SHA256 and secp256r1
    Then that handshake completes

  @CCF-TLS-14
  Scenario: CCF-TLS-14 — Offered only TLS 1.3 with key exchange secp384r1, the core completes the handshake
    Given a CAPIF core under test
    When the invoker connects offering only TLS 1.3 with key exchange secp384r1
    Then that handshake completes

  # Judged on every ServerHello of the TLS 1.2 enumeration (CCF-TLS-08/09): each hand-built
  # hello carries the renegotiation_info extension and extended_master_secret.
  @CCF-TLS-11
  Scenario: CCF-TLS-11 — Every TLS 1.2 ServerHello acknowledges the renegotiation_info extension the ClientHello carried
    Given a CAPIF core under test
    When the invoker offers TLS 1.2 suites one class at a time
    Then every TLS 1.2 ServerHello acknowledges renegotiation_info

  @CCF-TLS-12
  Scenario: CCF-TLS-12 — Every TLS 1.2 ServerHello negotiates the extended_master_secret the ClientHello offered
    Given a CAPIF core under test
    When the invoker offers TLS 1.2 suites one class at a time
    Then every TLS 1.2 ServerHello negotiates extended_master_secret

  # One hand-built hello: every suite of the discouraged classes (3DES, static RSA, static and
  # ephemeral finite-field DH, CBC) first, TLS_ECDHE_ECDSA/RSA_WITH_AES_128_GCM_SHA256 last. The
  # enumeration tells whether the core accepts any weaker suite alone: a pass says which it was.
  @CCF-TLS-15
  Scenario: CCF-TLS-15 — Proposed every discouraged TLS 1.2 suite first and TLS_ECDHE_*_AES_128_GCM_SHA256 last, the core selects the latter
    Given a CAPIF core under test
    When the invoker offers TLS 1.2 suites one class at a time
    And the invoker proposes every discouraged TLS 1.2 suite first and the AES-128-GCM ECDHE suites last
    Then the core selected an AES-128-GCM ECDHE suite

  # Read from the chain itself through a handshake that verifies nothing, so a chain the
  # harness's verifier refuses for its algorithm is judged here (and CCF-TLS-01 points here).
  # A self-signed certificate's own signature is not judged (RFC 8446 §4.4.2.2).
  @CCF-TLS-16
  Scenario: CCF-TLS-16 — No certificate the core presents has an RSA key under 2048 bits, an EC key under 224 bits or a SHA-1 or MD5 signature
    Given a CAPIF core under test
    When the invoker reads the certificates the core presents, verifying nothing
    Then no certificate has a short key or a SHA-1 or MD5 signature

  # Two TLS 1.3 connections share one session store: the first collects the tickets, the
  # second resumes and sends the onboarding POST as early data when a ticket permits it. A core
  # whose tickets permit none, or that declines the early data, passes (it was observed).
  @CCF-TLS-17
  Scenario: CCF-TLS-17 — The core does not process an onboarding request sent as TLS 1.3 early data (0-RTT)
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker resumes a session and sends the onboarding request as TLS 1.3 early data
    Then the core did not process the request sent as early data

  # Hand-built TLS 1.2 ClientHellos (rustls cannot offer these suites). A refusal only counts
  # after the same hello with the recommended AEAD suites got a ServerHello (positive control).
  @CCF-TLS-08
  Scenario: CCF-TLS-08 — The core refuses a TLS 1.2 ClientHello offering only suites RFC 9325 forbids (NULL, anonymous, export, RC4, DES)
    Given a CAPIF core under test
    When the invoker offers only cipher suites RFC 9325 forbids
    Then the core refuses the handshake

  @CCF-TLS-09
  Scenario: CCF-TLS-09 — The core refuses a TLS 1.2 ClientHello offering only suites RFC 9325 discourages (3DES, static RSA, finite-field DH, CBC)
    Given a CAPIF core under test
    When the invoker offers only cipher suites RFC 9325 discourages
    Then the core refuses the handshake
