Feature: Teardown of the secure session after the response (Figure B.1-1, "Tear down connection")
  HTTP/1.1 sessions are persistent by default (RFC 9112 §9.3), and the annex names no actor, so
  teardown is judged by behaviour: after the response the harness sends a harmless second
  request on the same session (unless the core announced Connection: close). A core that ends
  the session passes; one that serves the second request keeps the session alive, which passes
  with teardown = "either" (the default) when the core serves nothing more after the invoker's
  close_notify, and fails with teardown = "core". No verdict depends on the teardown timeout.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-teardown] Following the return of an Onboard API Invoker response message (either successful or unsuccessful), the secure session is torn down and the onboarding security flow ends.
  [rfc9112-9.6-server-close] A server that sends a "close" connection option MUST initiate closure of the connection (see below) after it sends the response containing "close".
  [rfc8446-6.1-close-notify] Each party MUST send a "close_notify" alert before closing its write side of the connection, unless it has already sent some error alert.
  [rfc9112-9.8-server-closure-alert] Servers MUST attempt to initiate an exchange of closure alerts with the client before closing the connection.

  @CCF-TD-01
  Scenario: CCF-TD-01 — After a success response the session is torn down: the core ends it, or (teardown = "either") serves nothing more after the invoker's close
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core ends the session after the success response

  @CCF-TD-02
  Scenario: CCF-TD-02 — After an error response the session is torn down: the core ends it, or (teardown = "either") serves nothing more after the invoker's close
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends the onboarding request without a credential
    Then the core ends the session after the error response

  @CCF-TD-03
  Scenario: CCF-TD-03 — The core sends close_notify before closing the TCP connection
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core sends close_notify before closing the connection

  # Run by `capif-conformance fuzz`, not by `run` (README "Property-based robustness"): the
  # teardown after each answer to a generated request.

  @CCF-FUZZ-04
  Scenario: CCF-FUZZ-04 — After the answer to every generated request the session is torn down: the core ends it, or (teardown = "either") serves nothing more after the invoker's close
    Given a property-based campaign of generated onboarding requests against the core under test
    Then the session was torn down after the answer to every generated request
