Feature: The invoker tears the session down after the response (Figure B.1-1, "Tear down connection")
  The harness-played core answers with Connection: close but leaves the closing to the invoker,
  so the invoker's own teardown is observed.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-teardown] Following the return of an Onboard API Invoker response message (either successful or unsuccessful), the secure session is torn down and the onboarding security flow ends.
  [rfc9112-9.6-client-close] A client that receives a "close" connection option MUST cease sending requests on that connection and close the connection after reading the response message containing the "close" connection option
  [rfc8446-6.1-close-notify] Each party MUST send a "close_notify" alert before closing its write side of the connection, unless it has already sent some error alert.
  [rfc9112-9.8-client-closure-alert] Clients MUST send a closure alert before closing the connection.

  @INV-TD-01
  Scenario: INV-TD-01 — After the success response the invoker ends the session and sends nothing more
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker ends the session after the response and sends nothing more

  @INV-TD-02
  Scenario: INV-TD-02 — After the error response the invoker ends the session and sends nothing more
    Given an API invoker under test
    And the harness core rejects the credential with 401
    When the invoker onboards
    Then the invoker ends the session after the response and sends nothing more

  @INV-TD-03
  Scenario: INV-TD-03 — The invoker sends close_notify before closing the connection
    Given an API invoker under test
    And the harness core onboards valid requests
    When the invoker onboards
    Then the invoker sends close_notify before closing the connection
