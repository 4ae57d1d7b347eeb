Feature: The invoker authenticates the register it is pre-provisioned from (enrolment, outside Figure B.1-1)
  Pre-provisioning is outside TS 33.122, so these test purposes are informational. With the
  Basic over TLS, or with style = "opencapif-http" the OpenCAPIF-era POST /register and POST
  /getauth over plain HTTP). Its answer carries the onboarding credential and the CA root the
  invoker then trusts for the core, so a register the invoker does not authenticate hands both
  to an on-path attacker.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-prereq] As a pre-requisite to onboarding, the API Invoker and the CAPIF are provisioned with the necessary onboarding enrollment information for the API Invoker. The method to do this is out of scope for this document.

  # The on-path attacker's chain: the rogue register's /getauth hands out a rogue ca_root, and
  # the played core then presents a certificate from that rogue CA. The evidence says how far
  # the invoker went: login sent, rogue root taken, Bearer credential sent to the rogue core.
  @INV-ENR-01
  Scenario: INV-ENR-01 — The invoker sends no register login to a register whose certificate does not chain to its provisioned root
    Given an API invoker under test
    And the register presents a certificate from a rogue CA
    When the invoker onboards
    Then the invoker sends no register login to a register it cannot authenticate

  @INV-ENR-02
  Scenario: INV-ENR-02 — The invoker sends no register login in clear
    Given an API invoker under test
    And the register answers in clear
    When the invoker onboards
    Then the invoker sends no register login in clear
