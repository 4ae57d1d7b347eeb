@sut:core
Feature: Teardown of the secure session after the response (Figure X.1-1, "Tear down connection")
  TS 33.122 Annex X.1: "Following the return of an Onboard API Invoker response message (either
  successful or unsuccessful), the secure session is torn down and the onboarding security flow
  ends."
  RFC 8446 §6.1: "Each party MUST send a close_notify alert before closing its write side of
  the connection, unless it has already sent some error alert."

  @CCF-TD-01 @branch:teardown @severity:mandatory
  Scenario: CCF-TD-01 After a success response the core ends the session
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core ends the session after the response within the teardown timeout

  @CCF-TD-02 @branch:teardown @severity:mandatory
  Scenario: CCF-TD-02 After an error response the core ends the session
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then the core ends the session after the response within the teardown timeout

  @CCF-TD-03 @branch:teardown @severity:recommended
  Scenario: CCF-TD-03 The core sends close_notify before closing the connection
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core sends close_notify before closing the connection
