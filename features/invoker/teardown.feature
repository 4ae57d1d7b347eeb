@sut:invoker
Feature: The invoker tears the session down after the response (Figure X.1-1, "Tear down connection")
  TS 33.122 Annex X.1: "Following the return of an Onboard API Invoker response message (either
  successful or unsuccessful), the secure session is torn down and the onboarding security flow
  ends." The harness-played core answers with "Connection: close" but leaves the closing to
  the invoker, so the invoker's own teardown is observed.

  @INV-TD-01 @branch:teardown @severity:mandatory
  Scenario: INV-TD-01 After the success response the invoker ends the session
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker ends the session after the response and sends nothing more

  @INV-TD-02 @branch:teardown @severity:mandatory
  Scenario: INV-TD-02 After the error response the invoker ends the session
    Given an API invoker under test
    And the harness core rejects the credential with 401
    When the invoker onboards
    Then the invoker ends the session after the response and sends nothing more

  @INV-TD-03 @branch:teardown @severity:recommended
  Scenario: INV-TD-03 The invoker sends close_notify before closing the connection
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker sends close_notify before closing the connection
