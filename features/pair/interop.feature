Feature: Interoperability of an API invoker and a CAPIF core (a matrix's pair cell)
  The invoker under test onboards onto the core under test with the core's URL, CA and an
  onboarding credential from the core's credential source, and offboards; the harness plays
  neither side and judges from the invoker's reports (the adapter protocol) and the
  certificate it reports.

  Requirements cited below (the verbatim texts of src/catalogue/requirements.toml):
  [33122-B.1-validate] If the onboarding credential is valid, the CAPIF core creates and returns an Onboard API Invoker Response message defined in clause 8.1 of 23.222 [3], which contains the API Invoker profile and includes the API Invoker ID.
  [29222-openapi-201] 201: Created. The API Invoker is successfully on-boarded.
  [33122-B.1-security-info] Security information for CAPIF-1 or CAPIF-1e authentication and (optionally) security information for CAPIF-2 or CAPIF-2e is also transferred to the API Invoker as part of the onboarding response.
  [29222-10.2-mtls] For rest of the CAPIF APIs, the TLS protocol based connection shall be established with certificate based mutual authentication
  [33122-6.8-step3-delete] the CAPIF core function shall cancel the enrolment of the API invoker and delete the API invoker profile. This includes deletion of API invoker certificate
  [33122-6.8-step3-verify] shall verify the API invoker ID received in step 2 and check that the corresponding profile exists

  @IOP-OK-01
  Scenario: IOP-OK-01 — The invoker onboards onto the core: it reports success with an apiInvokerId
    Given an API invoker paired with a CAPIF core
    When the invoker onboards onto the core
    Then the invoker reports success with an apiInvokerId

  @IOP-OK-02
  Scenario: IOP-OK-02 — The certificate the invoker reports was issued under the core's invoker CA, for client authentication, valid now
    Given an API invoker paired with a CAPIF core
    When the invoker onboards onto the core
    Then the certificate the invoker reports chains to the core's invoker CA

  @IOP-OFF-01
  Scenario: IOP-OFF-01 — The invoker offboards from the core: the core accepts its offboarding (DELETE over mutual TLS with the issued certificate)
    Given an API invoker paired with a CAPIF core
    When the invoker onboards onto the core and then offboards twice
    Then the invoker reports the first offboarding as done

  @IOP-OFF-02
  Scenario: IOP-OFF-02 — Once offboarded, the invoker's second offboarding is refused: the core deleted the profile
    Given an API invoker paired with a CAPIF core
    When the invoker onboards onto the core and then offboards twice
    Then the invoker reports the second offboarding failed
