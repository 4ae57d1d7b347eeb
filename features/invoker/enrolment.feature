@sut:invoker
Feature: The invoker authenticates the register it is pre-provisioned from (enrolment, outside Figure X.1-1)
  TS 33.122 §6.1: "The API Invoker and the CAPIF core are pre-provisioned with the onboarding
  enrolment information" — how is outside the specification, so these test purposes are
  informational. With [invoker.enrolment] the harness serves an OpenCAPIF-style register (GET
  /getauth with HTTP Basic over TLS, or with style = "opencapif-http" the OpenCAPIF-era POST
  /register and POST /getauth over plain HTTP). Its answer carries the onboarding credential and
  the CA root the invoker then trusts for the core, so a register the invoker does not
  authenticate hands both to an on-path attacker.

  # The on-path attacker's chain: the rogue register's /getauth hands out a rogue ca_root, and
  # the played core then presents a certificate from that rogue CA. The evidence says how far
  # the invoker went: login sent, rogue root taken, Bearer credential sent to the rogue core.
  @INV-ENR-01 @branch:enrolment @severity:informational
  Scenario: INV-ENR-01 The invoker sends no register login to a register it cannot authenticate
    Given an API invoker under test
    And the register presents a certificate from a rogue CA
    When the invoker onboards
    Then the invoker sends no register login to a register it cannot authenticate

  @INV-ENR-02 @branch:enrolment @severity:informational
  Scenario: INV-ENR-02 The invoker sends no register login in clear
    Given an API invoker under test
    And the register answers in clear
    When the invoker onboards
    Then the invoker sends no register login in clear
