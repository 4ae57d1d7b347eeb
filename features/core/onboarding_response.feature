@sut:core
Feature: The Onboard API Invoker Response (Figure X.1-1, "CAPIF core provides Onboard API Invoker response")
  TS 33.122 Annex X.1: "If the onboarding credential is valid, the CAPIF core creates and
  returns an Onboard API Invoker Response message [...] which contains the API Invoker profile
  and includes the API Invoker ID. Security information for CAPIF-1 or CAPIF-1e authentication
  and (optionally) security information for CAPIF-2 or CAPIF-2e is also transferred to the API
  Invoker as part of the onboarding response."
  TS 29.222 §8.4.2.2.3.1: on success "201 Created", the Location header containing
  {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}.

  @CCF-OK-01 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-01 The core answers a valid onboarding request with 201 Created
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the core answers 201 Created

  @CCF-OK-02 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-02 The Location header is the URI of the onboarded invoker resource
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the Location header is {apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}

  @CCF-OK-03 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-03 The response is an APIInvokerEnrolmentDetails with an apiInvokerId
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId

  @CCF-OK-04 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-04 The issued certificate chains to the invoker CA and binds the invoker's key
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the issued certificate chains to the invoker CA, is valid for clientAuth and binds the invoker's key

  @CCF-OK-05 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-05 The response carries an onboarding secret
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response carries an onboarding secret

  @CCF-OK-06 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-06 Two invokers get different apiInvokerIds
    Given a CAPIF core under test
    When two invokers with different keys onboard
    Then their apiInvokerIds differ

  @CCF-OK-07 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-07 The issued certificate is accepted for mutual TLS
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    And the invoker offboards over mutual TLS with the issued certificate
    Then the core answers 204 No Content

  # Applies when issues_certificate = false (CCF-OK-04 judges the certificate otherwise), so a
  # core returning neither a certificate nor a secret cannot pass by declaring neither.
  # Recommended: it rests on the informative annex.
  @CCF-OK-08 @branch:onboarding-response @severity:recommended
  Scenario: CCF-OK-08 The 201 carries CAPIF-1/1e security information
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then the response carries a certificate or an onboarding secret

  # Applies when asynchronous_onboarding = true. A 201 needs no notification (not applicable
  # then); without [core.notifications] the harness has no receiver (not applicable either).
  @CCF-OK-09 @branch:onboarding-response @severity:mandatory
  Scenario: CCF-OK-09 A 202 is completed by an OnboardingNotification
    Given a CAPIF core under test
    And a fresh invoker key pair
    When the invoker sends a valid onboarding request
    Then a 202 is completed by an OnboardingNotification within the declared bound
