Feature: The invoker offboards (TS 33.122 §6.8, Figure 6.8-1; drawn beside Figure B.1-1)
  The adapter is run twice in the same CAPIF_WORKDIR: to onboard (CAPIF_ACTION=onboard), then
  to offboard (CAPIF_ACTION=offboard, with CAPIF_INVOKER_ID, CAPIF_INVOKER_RESOURCE and
  CAPIF_INVOKER_CERTIFICATE); an invoker that cannot offboard exits 89 there (not
  applicable). The played core asks for a client certificate only in these scenarios, and
  answers the DELETE with Connection: close.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-6.8-step2-send] The API invoker shall send Offboard API invoker request message to the CAPIF core function, including the CAPIF core function specific API invoker ID
  [33122-6.8-step2-id] [the Offboard API Invoker request includes] the CAPIF core function specific API invoker ID
  [33122-6.8-step0-tls] TLS session is established successfully between the CAPIF core function and the API invoker.
  [29222-10.2-mtls] For rest of the CAPIF APIs, the TLS protocol based connection shall be established with certificate based mutual authentication
  [29222-openapi-delete-204] No Content. The Individual On-boarded API Invoker resource is successfully deleted.
  [33122-6.8-step5-invoker-deletes] The API invoker shall delete the information, such as API invoker ID [...] API invoker certificate
  [rfc9110-9.2.2-idempotent] PUT, DELETE, and safe request methods are idempotent.
  [rfc9112-9.6-client-close] A client that receives a "close" connection option MUST cease sending requests on that connection and close the connection after reading the response message containing the "close" connection option

  @INV-OFF-01
  Scenario: INV-OFF-01 — The invoker offboards with DELETE on the resource the core named in its Location
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the invoker sends DELETE to the Location it was given

  @INV-OFF-02
  Scenario: INV-OFF-02 — The offboarding DELETE goes over mutual TLS with the certificate issued at onboarding
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the offboarding request comes over mutual TLS with the issued certificate

  @INV-OFF-03
  Scenario: INV-OFF-03 — The offboarding DELETE does not carry the onboarding credential
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the offboarding request carries no credential

  @INV-OFF-04
  Scenario: INV-OFF-04 — On 204 the invoker reports the offboarding as done
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the invoker reports the offboarding as done

  @INV-OFF-05
  Scenario: INV-OFF-05 — On 403 to the offboarding the invoker reports failure
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core answers 403 to the offboarding
    When the invoker onboards and then offboards
    Then the invoker reports the offboarding failed

  @INV-OFF-06
  Scenario: INV-OFF-06 — On 404 to the offboarding the invoker reports a definite outcome (done, as already offboarded, or failed) and ends the session
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core answers 404 to the offboarding
    When the invoker onboards and then offboards
    Then the invoker reports a definite outcome of the offboarding

  @INV-OFF-07
  Scenario: INV-OFF-07 — After the offboarding response the invoker ends the session and sends nothing more
    Given an API invoker under test
    And the harness core onboards valid requests
    And the harness core offboards strictly
    When the invoker onboards and then offboards
    Then the invoker ends the session after the offboarding response
