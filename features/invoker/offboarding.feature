@sut:invoker
Feature: The invoker offboards (TS 33.122 §6.8, Figure 6.8-1; drawn beside Figure X.1-1)
  TS 33.122 §6.8 step 2: "The API invoker shall send Offboard API invoker request message to
  the CAPIF core function, including the CAPIF core function specific API invoker ID", over
  the TLS session mutually authenticated with the certificate issued at onboarding; DELETE on
  the invoker resource (TS 29.222 §8.4.2.3.3.2) answers 204.
  The adapter is run twice in the same CAPIF_WORKDIR: to onboard (CAPIF_ACTION=onboard), then
  to offboard (CAPIF_ACTION=offboard, with CAPIF_INVOKER_ID, CAPIF_INVOKER_RESOURCE and
  CAPIF_INVOKER_CERTIFICATE); an invoker that cannot offboard exits 89 there (not
  applicable). The played core asks for a client certificate only in these scenarios.

  @INV-OFF-01 @branch:offboarding @severity:mandatory
  Scenario: INV-OFF-01 The invoker sends DELETE to the resource the core named
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the invoker sends DELETE to the Location it was given

  @INV-OFF-02 @branch:offboarding @severity:mandatory
  Scenario: INV-OFF-02 The offboarding goes over mutual TLS with the issued certificate
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the offboarding request comes over mutual TLS with the issued certificate

  @INV-OFF-03 @branch:offboarding @severity:recommended
  Scenario: INV-OFF-03 The offboarding request does not carry the onboarding credential
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the offboarding request carries no credential

  @INV-OFF-04 @branch:offboarding @severity:mandatory
  Scenario: INV-OFF-04 On 204 the invoker reports the offboarding as done
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the invoker reports the offboarding as done

  @INV-OFF-05 @branch:offboarding @severity:mandatory
  Scenario: INV-OFF-05 On 403 the invoker reports the offboarding failed
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core answers 403 to the offboarding
    When the invoker onboards and then offboards
    Then the invoker reports the offboarding failed

  @INV-OFF-06 @branch:offboarding @severity:mandatory
  Scenario: INV-OFF-06 On 404 the invoker reports the offboarding failed
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core answers 404 to the offboarding
    When the invoker onboards and then offboards
    Then the invoker reports the offboarding failed

  @INV-OFF-07 @branch:offboarding @severity:recommended
  Scenario: INV-OFF-07 After the offboarding response the invoker ends the session
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the invoker ends the session after the offboarding response
