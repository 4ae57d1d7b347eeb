Feature: Offboarding the API invoker (TS 33.122 §6.8, Figure 6.8-1; drawn beside Figure B.1-1)
  The API invoker sends the Offboard API invoker request (DELETE on its resource) over the TLS
  session mutually authenticated with the certificate issued at onboarding (TS 33.122 §6.8,
  Figure 6.8-1; TS 29.222 §10.2). Every scenario first onboards (the positive control of
  CCF-OK-01) and proves the issued certificate works for the DELETE (CCF-OK-07) before it
  judges anything else.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-6.8-step3-delete] the CAPIF core function shall cancel the enrolment of the API invoker and delete the API invoker profile. This includes deletion of API invoker certificate
  [rfc9110-9.2.2-idempotent] PUT, DELETE, and safe request methods are idempotent.
  [33122-6.8-step3-retain] Depending on the operator policy, the CAPIF core function may retain the information of the offboarded API invoker.
  [33122-6.8-step3-verify] shall verify the API invoker ID received in step 2 and check that the corresponding profile exists
  [29222-10.2-mtls] For rest of the CAPIF APIs, the TLS protocol based connection shall be established with certificate based mutual authentication
  [33122-6.8-step6-teardown] The CAPIF core function shall tear down the TLS session with the API invoker.

  @CCF-OFF-01
  Scenario: CCF-OFF-01 — After offboarding, the invoker resource and its certificate are gone: the issued certificate no longer reaches the resource
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker offboards over mutual TLS with the issued certificate
    And the invoker offboards again with the same certificate
    Then the core refuses the offboarded invoker

  @CCF-OFF-02
  Scenario: CCF-OFF-02 — After offboarding, the same public key onboards again
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker offboards over mutual TLS with the issued certificate
    And the invoker onboards the same key again
    Then the core onboards the key of the offboarded invoker

  @CCF-OFF-03
  Scenario: CCF-OFF-03 — A DELETE without a client certificate is refused and deletes nothing
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker sends the offboarding request without a client certificate
    And the invoker offboards over mutual TLS with the issued certificate
    Then the core refused that offboarding request and deleted nothing

  @CCF-OFF-04
  Scenario: CCF-OFF-04 — A DELETE with another invoker's certificate is refused and deletes nothing
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And another onboarded invoker sends the offboarding request for it with its own certificate
    And the invoker offboards over mutual TLS with the issued certificate
    Then the core refused that offboarding request and deleted nothing

  @CCF-OFF-05
  Scenario: CCF-OFF-05 — After the offboarding response the core tears down the TLS session itself
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker offboards over mutual TLS with the issued certificate
    Then the core tears down the session after the offboarding response
