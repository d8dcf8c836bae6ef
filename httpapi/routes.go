package httpapi

import (
	"net/http"

	"secunion"
	"secunion/access"
)

// route is one API operation: its pattern, who may call it and for what,
// and its OpenAPI description, which openapi.go builds from this table.
// The middleware (wrap) enforces auth, roles and purposes before the
// handler runs, and audits every refusal; the domain then decides the rest
// (the profile's systems and fields, ownership, parties to an order).
type route struct {
	method, path string
	summary      string
	auth         bool     // needs a Bearer token
	roles        []string // the caller must hold one of them (with auth)
	// purposes are those the route takes: it touches personal data and
	// needs X-Purpose (and X-Justification where required), one of these
	// and one the caller's authority kind may declare. Nil: none.
	purposes []secunion.Purpose
	// implied is the purpose a request declares by calling the route
	// when it sends no X-Purpose: TAXII clients (MISP, OpenCTI) send no
	// header of ours. It is declared, checked and audited as if sent.
	implied  secunion.Purpose
	request  string // schema of the JSON body, "" for none
	response string // schema of the success body, "" for none
	status   int    // success status; 200 if zero
	query    []param
	handler  http.HandlerFunc
}

type param struct{ name, typ, doc string }

// routes is the whole API surface.
func (s *Server) routes() []route {
	// Who may call: every role; officers, who act on data, and the service
	// users of other nodes, who consult source systems for their end users;
	// officers alone; admins, who administer people; supervisors.
	anyone := access.Roles
	consulting := []string{access.RoleOfficer, access.RoleNode}
	officers := []string{access.RoleOfficer}
	admins := []string{access.RoleAdmin}
	supervisors := []string{access.RoleSupervisor}
	// For what: consulting and entering source-system data, under the
	// profile of the purpose; verifying identity links; removal orders and
	// the crisis protocol; user accounts; supervising the log.
	consultation := access.ConsultPurposes
	verification := []secunion.Purpose{secunion.PurposeLinkVerification}
	tco := []secunion.Purpose{secunion.PurposeTerroristContent}
	administration := []secunion.Purpose{secunion.PurposeAdministration}
	supervision := []secunion.Purpose{secunion.PurposeSupervision}
	// The alert hub: officers share and read, other nodes pull and push;
	// for the purpose of alert sharing, or law enforcement for partners
	// whose agreement names it.
	sharing := []string{access.RoleOfficer, access.RoleNode}
	alerting := []secunion.Purpose{secunion.PurposeAlertSharing, secunion.PurposeLawEnforcement}
	// The Rapid Alert System and incident reports: people of the
	// collection's authorities, for alert sharing alone.
	ras := []secunion.Purpose{secunion.PurposeAlertSharing}
	hub := func(method, path, summary, response string, status int, h http.HandlerFunc) route {
		return route{method: method, path: "/taxii2/" + path, summary: summary, auth: true, roles: sharing, purposes: alerting,
			implied: secunion.PurposeAlertSharing, response: response, status: status, handler: s.taxii(h)}
	}
	taxiiQuery := []param{{"match[id]", "string", "only these objects (comma-separated)"}, {"match[type]", "string", "only these types"},
		{"match[version]", "string", "first, last (default), all or timestamps"}, {"match[spec_version]", "string", "only these STIX versions (2.1)"},
		{"added_after", "string", "only objects added after this time (exclusive)"}, {"limit", "integer", "at most this many, 1 to 10,000 (1,000)"},
		{"next", "string", "the opaque cursor of the previous page"}}
	// feed is the query of the hash banks' change feed, in both its forms.
	feed := []param{{"after", "string", "the checkpoint of the last page read: a change number, or TAT's \"{UTC},{number}\" (the start if empty)"},
		{"limit", "integer", "at most this many, 1 to 10,000 (1,000)"}, {"bank", "string", "only this bank's entries (every bank if empty)"}}
	return []route{
		{method: "GET", path: "/healthz", summary: "Liveness: the process answers.", response: "Status", handler: s.healthz},
		{method: "GET", path: "/readyz", summary: "Readiness: the database answers.", response: "Status", handler: s.readyz},
		{method: "GET", path: "/openapi.json", summary: "This OpenAPI 3.1 description.", response: "object", handler: s.openapiHandler},

		{method: "GET", path: "/api/v1/me", summary: "The caller: user, authority, roles and search profiles.", auth: true, roles: anyone, response: "Me", handler: s.me},
		{method: "GET", path: "/api/v1/purposes", summary: "The fixed list of purposes of processing.", auth: true, roles: anyone, response: "PurposeList", handler: s.purposes},
		{method: "GET", path: "/api/v1/profiles", summary: "The profile table: authority kind × purpose → systems and fields.", auth: true, roles: anyone, response: "ProfileList", handler: s.profiles},

		{method: "GET", path: "/api/v1/authorities", summary: "List authorities.", auth: true, roles: anyone, response: "AuthorityList", handler: s.listAuthorities},
		{method: "POST", path: "/api/v1/authorities", summary: "Create an authority (administrators).", auth: true, roles: admins, request: "AuthorityInput", response: "Authority", status: http.StatusCreated, handler: s.createAuthority},
		{method: "GET", path: "/api/v1/authorities/{code}", summary: "One authority.", auth: true, roles: anyone, response: "Authority", handler: s.getAuthority},

		{method: "GET", path: "/api/v1/users", summary: "List users of the authorities the caller administers (purpose administration).", auth: true, roles: admins, purposes: administration, response: "UserList",
			query: []param{{"authority", "string", "only users of this authority"}}, handler: s.listUsers},
		{method: "POST", path: "/api/v1/users", summary: "Create a user (an admin of its authority; an administrator only an authority's first admin, while it has none). The answer holds the one-time enrolment code with which the user sets their own password: pass it on; nobody else sets it.", auth: true, roles: admins, purposes: administration, request: "UserInput", response: "NewUser", status: http.StatusCreated, handler: s.createUser},
		{method: "GET", path: "/api/v1/users/{login}", summary: "One user (the user or an admin).", auth: true, roles: anyone, purposes: administration, response: "User", handler: s.getUser},
		{method: "POST", path: "/api/v1/users/{login}/disable", summary: "Disable a user: sessions end, tokens stop working.", auth: true, roles: admins, purposes: administration, status: http.StatusNoContent, handler: s.disableUser},
		{method: "POST", path: "/api/v1/users/{login}/enable", summary: "Enable a disabled user again.", auth: true, roles: admins, purposes: administration, status: http.StatusNoContent, handler: s.enableUser},
		{method: "POST", path: "/api/v1/users/{login}/enrolment", summary: "A new enrolment code for a user who has not set a password yet, voiding the earlier one (whoever may create such a user); shown once.", auth: true, roles: admins, purposes: administration, response: "Enrolment", handler: s.reissueEnrolment},
		{method: "POST", path: "/api/v1/enrolment", summary: "A new user sets their own password with the one-time enrolment code their admin passed on (no token needed); then they log in to the console and create their API tokens. Throttled per address.", request: "EnrolmentInput", status: http.StatusNoContent, handler: s.enrol},

		{method: "GET", path: "/api/v1/tokens", summary: "List API tokens of a user (default: the caller).", auth: true, roles: anyone, response: "TokenList",
			query: []param{{"user", "string", "login of the user (admins)"}}, handler: s.listTokens},
		{method: "POST", path: "/api/v1/tokens", summary: "Create an API token for the caller; the secret is shown once.", auth: true, roles: anyone, request: "TokenInput", response: "NewToken", status: http.StatusCreated, handler: s.createToken},
		{method: "DELETE", path: "/api/v1/tokens/{id}", summary: "Revoke an API token at once.", auth: true, roles: anyone, status: http.StatusNoContent, handler: s.revokeToken},

		{method: "POST", path: "/api/v1/search", summary: "European Search Portal: one query across every system the profile allows. Streams answers per system with Accept: application/x-ndjson or text/event-stream; one JSON answer otherwise. Audited as consultation.", auth: true, roles: consulting, purposes: consultation, request: "SearchQuery", response: "SearchResult", handler: s.search},
		{method: "GET", path: "/api/v1/systems", summary: "The source systems the caller's profile reaches for the declared purpose.", auth: true, roles: consulting, purposes: consultation, response: "SystemList", handler: s.listSystems},
		{method: "GET", path: "/api/v1/systems/{system}/status", summary: "Whether a source system of the caller's profile answers: up or down, held here or by another node, records held, time taken, last error.", auth: true, roles: consulting, purposes: consultation, response: "SystemStatus", handler: s.systemStatus},
		{method: "PUT", path: "/api/v1/systems/{system}/records/{id}", summary: "Create or replace a record (authorities that enter the system's data); audited as collection or alteration.", auth: true, roles: officers, purposes: consultation, request: "Record", response: "Record", handler: s.putRecord},
		{method: "GET", path: "/api/v1/systems/{system}/records/{id}", summary: "One record, with the fields the profile allows, from the node that holds the system; audited as consultation.", auth: true, roles: consulting, purposes: consultation, response: "Record", handler: s.getRecord},
		{method: "DELETE", path: "/api/v1/systems/{system}/records/{id}", summary: "Erase a record and its CIR individual file; audited as erasure.", auth: true, roles: officers, purposes: consultation, status: http.StatusNoContent, handler: s.deleteRecord},

		{method: "PUT", path: "/api/v1/templates/{id}", summary: "Enrol a biometric template (a face or fingerprint feature vector, never an image) of a record that lists it; audited as collection or alteration.", auth: true, roles: officers, purposes: consultation, request: "Template", response: "TemplateInfo", handler: s.putTemplate},
		{method: "DELETE", path: "/api/v1/templates/{id}", summary: "Erase a biometric template; it leaves the index at once; audited as erasure.", auth: true, roles: officers, purposes: consultation, status: http.StatusNoContent, handler: s.deleteTemplate},
		{method: "GET", path: "/api/v1/signals/lookup", summary: "Whether a hash is in the enabled entries of the hash banks: for PDQ every entry within the distance (31 by default, at most 47), nearest first; for MD5 and SHA-256 the entries holding it. Hosting service providers, competent authorities and Europol; counted, matches logged.", auth: true, roles: officers, response: "SignalLookup",
			query: []param{{"algorithm", "string", "pdq, md5, sha256 or sha512"}, {"value", "string", "the hash in hex"}, {"distance", "integer", "PDQ only: the largest Hamming distance, 0 to 47 (31)"}}, handler: s.lookupSignal},
		{method: "POST", path: "/api/v1/signals/lookup", summary: "Hash an uploaded file and look every hash up at once: MD5, SHA-256 and SHA-512 exactly, and for an image of PDQ quality 50 or more its eight dihedral PDQ hashes within the distance (a rotated or mirrored copy is found); each entry once, at its smallest distance. The file is the body, or the multipart field file (at most 50 MiB).", auth: true, roles: officers, request: "file", response: "FileLookup",
			query: []param{{"distance", "integer", "PDQ: the largest Hamming distance, 0 to 47 (31)"}}, handler: s.lookupContent},
		{method: "POST", path: "/api/v1/signals/hash", summary: "Hash an uploaded file: MD5, SHA-256 and SHA-512, and for a JPEG, PNG or GIF image its PDQ hash and quality as Meta's reference computes them. The file is the body, or the multipart field file (at most 50 MiB).", auth: true, roles: officers, request: "file", response: "ContentHashes",
			query: []param{{"dihedral", "boolean", "also the seven other dihedral PDQ variants"}}, handler: s.hashContent},
		{method: "POST", path: "/api/v1/signals/compare", summary: "Compare pairs of hashes of one algorithm: PDQ's Hamming distance and whether it is within the distance; equality for MD5, SHA-256, SHA-512.", auth: true, roles: officers, request: "CompareInput", response: "CompareResult",
			query: []param{{"distance", "integer", "PDQ: the largest Hamming distance that matches, 0 to 47 (31)"}}, handler: s.compareSignals},
		{method: "POST", path: "/api/v1/signals/banks/{bank}/entries", summary: "Add a hash to a bank (competent authorities and Europol): 201 with the entry, or 200 with the one the bank holds for that hash; audited.", auth: true, roles: officers, request: "SignalInput", response: "SignalEntry", status: http.StatusCreated, handler: s.addSignal},
		{method: "POST", path: "/api/v1/signals/entries/{id}/enabled", summary: "Enable or disable a bank entry (competent authorities and Europol); matchers follow within seconds; audited.", auth: true, roles: officers, request: "SignalEnabled", response: "SignalEntry", handler: s.setSignalEnabled},
		{method: "GET", path: "/api/v1/signals/entries", summary: "Bank entries numbered after a checkpoint, in order, enabled or not (providers, competent authorities, Europol).", auth: true, roles: officers, response: "SignalPage",
			query: []param{{"after", "integer", "the number of the last entry read (0)"}, {"limit", "integer", "at most this many, 1 to 10,000 (1,000)"}}, handler: s.listSignals},
		{method: "GET", path: "/api/v1/signals/index", summary: "The hash matcher's status: the enabled entries it holds.", auth: true, roles: officers, response: "SignalIndex", handler: s.signalIndexStatus},
		{method: "POST", path: "/api/v1/biometric/identify", summary: "1:N identification: the templates of the profile's systems that score at or above the modality's threshold, best first; audited as consultation.", auth: true, roles: officers, purposes: consultation, request: "IdentifyRequest", response: "IdentifyResult", handler: s.identify},
		{method: "POST", path: "/api/v1/biometric/verify", summary: "1:1 verification of a probe against one template of a system the profile reaches; audited as consultation.", auth: true, roles: officers, purposes: consultation, request: "VerifyRequest", response: "VerifyResult", handler: s.verify},

		{method: "GET", path: "/api/v1/links/queue", summary: "Multiple Identity Detector: the yellow links the caller's authority is to verify, oldest first (purpose link-verification).", auth: true, roles: officers, purposes: verification, response: "LinkList",
			query: []param{{"limit", "integer", "at most this many (1 to 1000, default 100)"}}, handler: s.linkQueue},
		{method: "GET", path: "/api/v1/links/stats", summary: "Anonymous figures of the detector: links by colour, verification queues and their oldest link, verification times.", auth: true, roles: anyone, response: "LinkStats", handler: s.linkStats},
		{method: "GET", path: "/api/v1/links/{id}", summary: "A link and only the linked data of its two records, for its verifier (purpose link-verification); audited as consultation.", auth: true, roles: officers, purposes: verification, response: "LinkComparison", handler: s.compareLink},
		{method: "POST", path: "/api/v1/links/{id}/decision", summary: "The verifier's decision on a yellow link: white, green or red, with a reason, kept in its history; audited.", auth: true, roles: officers, purposes: verification, request: "LinkDecision", response: "Link", handler: s.decideLink},

		{method: "GET", path: "/api/v1/providers", summary: "Terrorist content online: the registered hosting service providers, with their Member State and contact point (never the webhook secret).", auth: true, roles: anyone, response: "ProviderList", handler: s.listProviders},
		{method: "PUT", path: "/api/v1/providers/{code}", summary: "Register a hosting service provider (an authority of kind hosting-provider) or change its contact point: webhook, signing secret (kept if omitted), phone; administrators or the provider's own admins.", auth: true, roles: admins, request: "ProviderInput", response: "Provider", handler: s.putProvider},
		{method: "POST", path: "/api/v1/providers/{code}/procedure-information", summary: "Record that the caller's competent authority sent the provider its information on procedures and deadlines; a first removal order may follow 12 hours later (Art 3(2)). Purpose terrorist-content.", auth: true, roles: officers, purposes: tco, response: "ProcedureInformation", handler: s.sendProcedureInfo},
		{method: "POST", path: "/api/v1/removal-orders", summary: "Issue a removal order (competent authorities; the fields of Annex I). It is in the provider's inbox at once and pushed to its webhook; the provider has one hour from receipt. Purpose terrorist-content; audited.", auth: true, roles: officers, purposes: tco, request: "RemovalOrderInput", response: "RemovalOrder", status: http.StatusCreated, handler: s.issueOrder},
		{method: "GET", path: "/api/v1/removal-orders", summary: "The orders the caller's authority is party to, newest first: issued by it, addressed to it (a provider's inbox) or, for a competent authority, copies of cross-border orders to providers of its Member State.", auth: true, roles: officers, purposes: tco, response: "RemovalOrderList",
			query: []param{{"state", "string", "only orders in this state"}, {"limit", "integer", "1–1000, default 100"}}, handler: s.listOrders},
		{method: "GET", path: "/api/v1/removal-orders/by-provider", summary: "The caller's competent authority's orders issued in the last days, added up per provider: orders, executed, within the hour, median minutes from receipt to removal, breaches, not executed (cannot comply, withdrawn, annulled), pending. Anonymous figures.", auth: true, roles: officers, response: "ProviderOutcomeList",
			query: []param{{"days", "integer", "orders issued in the last this many days (1 to 3660, default 365)"}}, handler: s.ordersByProvider},
		{method: "GET", path: "/api/v1/removal-orders/{id}", summary: "An order and its timeline, to a party to it; the provider's first fetch is its receipt and starts the hour. Audited.", auth: true, roles: officers, purposes: tco, response: "RemovalOrderView", handler: s.getOrder},
		{method: "POST", path: "/api/v1/removal-orders/{id}/steps", summary: "A step on an order by a party to it, as the state machine allows: the provider acknowledges, removes (Annex II), cannot comply (Annex III), resumes, reinstates, informs the content provider; the issuer clarifies, withdraws, extends preservation, renews the notice delay; the host State's authority requests or decides scrutiny. Refusals are audited and change nothing.", auth: true, roles: officers, purposes: tco, request: "RemovalStep", response: "RemovalOrder", handler: s.stepOrder},
		{method: "POST", path: "/api/v1/removal-orders/{id}/hashes", summary: "The order's issuer or its provider adds hashes of the removed content to the TCO bank (tco-removed), once the content is down; a removal step can carry them too (hashes). Each new entry is audited and reaches the matchers. Purpose terrorist-content.", auth: true, roles: officers, purposes: tco, request: "RemovedHashes", response: "SignalEntryList", handler: s.addRemovedHashes},
		{method: "POST", path: "/api/v1/removal-orders/{id}/complaints", summary: "The provider records a content provider's complaint about removed content (Art 10); it is to be decided within two weeks.", auth: true, roles: officers, purposes: tco, request: "ComplaintInput", response: "Complaint", status: http.StatusCreated, handler: s.recordComplaint},
		{method: "GET", path: "/api/v1/complaints", summary: "Complaints about the orders the caller's authority issued or received, newest first.", auth: true, roles: officers, purposes: tco, response: "ComplaintList", handler: s.listComplaints},
		{method: "POST", path: "/api/v1/complaints/{id}/decision", summary: "The provider's reasoned decision on a complaint; an upheld one reinstates the content.", auth: true, roles: officers, purposes: tco, request: "ComplaintDecision", response: "Complaint", handler: s.decideComplaint},
		{method: "POST", path: "/api/v1/referrals", summary: "A referral from the EU Internet Referral Unit (Europol) to a provider, for voluntary assessment against its terms of service.", auth: true, roles: officers, purposes: tco, request: "ReferralInput", response: "Referral", status: http.StatusCreated, handler: s.refer},
		{method: "GET", path: "/api/v1/referrals", summary: "The referrals the caller's authority sent or received, with the removal rate of those assessed.", auth: true, roles: officers, purposes: tco, response: "ReferralList", handler: s.listReferrals},
		{method: "POST", path: "/api/v1/referrals/{id}/assessment", summary: "The provider's assessment of a referral: removed or kept.", auth: true, roles: officers, purposes: tco, request: "ReferralAssessment", response: "Referral", handler: s.assessReferral},
		{method: "POST", path: "/api/v1/threat-reports", summary: "A provider reports content involving an imminent threat to life (Art 14(5)): it reaches the competent authorities of the Member States concerned and Europol at once, marked urgent.", auth: true, roles: officers, purposes: tco, request: "ThreatInput", response: "ThreatReport", status: http.StatusCreated, handler: s.reportThreat},
		{method: "GET", path: "/api/v1/threat-reports", summary: "The threat reports the caller's authority receives (or, for a provider, made), newest first; audited.", auth: true, roles: officers, purposes: tco, response: "ThreatReportList", handler: s.listThreats},
		{method: "GET", path: "/api/v1/exposure", summary: "Every provider's final removal orders in the last twelve months, whether that reaches the threshold of Art 5(4), and the decisions taken.", auth: true, roles: anyone, response: "ExposureList", handler: s.listExposures},
		{method: "POST", path: "/api/v1/providers/{code}/exposure", summary: "The decision of the competent authority of the provider's Member State on its exposure to terrorist content (Art 5(4)), with reasons.", auth: true, roles: officers, purposes: tco, request: "ExposureInput", response: "Exposure", handler: s.decideExposure},
		{method: "GET", path: "/api/v1/transparency/providers/{code}", summary: "A provider's transparency figures for a year (Art 7): orders, removals within the hour, breaches, orders not executed by reason, scrutiny, complaints, reinstatements, referrals, threat reports. JSON, or CSV with format=csv.", auth: true, roles: anyone, response: "ProviderReport",
			query: []param{{"year", "integer", "calendar year, default the current one"}, {"format", "string", "json (default) or csv"}}, handler: s.providerTransparency},
		{method: "GET", path: "/api/v1/transparency/authorities/{code}", summary: "A competent authority's transparency figures for a year (Art 8): orders issued, cross-border, executed or not, scrutiny decisions. JSON, or CSV with format=csv.", auth: true, roles: anyone, response: "AuthorityReport",
			query: []param{{"year", "integer", "calendar year, default the current one"}, {"format", "string", "json (default) or csv"}}, handler: s.authorityTransparency},

		hub("GET", "", "TAXII 2.1 discovery: the hub's API root.", "TAXIIDiscovery", 0, s.taxiiDiscovery),
		hub("GET", "hub/", "TAXII 2.1 API root: versions and the largest request it takes.", "TAXIIAPIRoot", 0, s.taxiiAPIRoot),
		hub("GET", "hub/collections/", "The collections the caller may read or write (a partner: those its agreement reaches).", "TAXIICollections", 0, s.taxiiCollections),
		hub("GET", "hub/collections/{id}/", "One collection.", "TAXIICollection", 0, s.taxiiCollectionInfo),
		withQuery(hub("GET", "hub/collections/{id}/objects/", "A page of the collection's objects as the caller may receive them (TLP, granular markings, handling codes and agreements enforced; redacted properties cut out), in the order they were added; `next` never skips or repeats an object. Audited as a disclosure.", "TAXIIEnvelope", 0, s.taxiiObjects), taxiiQuery),
		hub("POST", "hub/collections/{id}/objects/", "Add objects (a TAXII envelope or STIX bundle, at most 10,000 objects): each is checked against its schema and the hub's checks and stored or refused on its own; the answer is the complete status. Writers only; versions of an object only from the authority that added it.", "TAXIIStatus", http.StatusAccepted, s.taxiiAdd),
		withQuery(hub("GET", "hub/collections/{id}/objects/{object}/", "An object's versions (match[version], the last by default), as the caller may receive them; audited.", "TAXIIEnvelope", 0, s.taxiiObject), taxiiQuery),
		withQuery(hub("DELETE", "hub/collections/{id}/objects/{object}/", "Delete an object's versions (all, or match[version]); only the authority that added it; audited.", "", 0, s.taxiiDelete), taxiiQuery),
		withQuery(hub("GET", "hub/collections/{id}/objects/{object}/versions/", "The versions of an object the caller may receive.", "TAXIIVersions", 0, s.taxiiVersions), taxiiQuery),
		withQuery(hub("GET", "hub/collections/{id}/manifest/", "The manifest of the objects the caller may receive: id, date added, version, media type; audited.", "TAXIIManifest", 0, s.taxiiManifest), taxiiQuery),
		hub("GET", "hub/status/{status}/", "The status of a POST of the caller's authority.", "TAXIIStatus", 0, s.taxiiStatus),

		{method: "GET", path: "/api/v1/alerts/groups", summary: "The hub's sharing groups (administrators).", auth: true, roles: admins, purposes: administration, response: "AlertGroupList", handler: s.listAlertGroups},
		{method: "PUT", path: "/api/v1/alerts/groups/{name}", summary: "Create or replace a sharing group of authorities (the hub's administrators). An empty group shares with nobody.", auth: true, roles: admins, purposes: administration, request: "AlertGroup", response: "AlertGroup", handler: s.putAlertGroup},
		{method: "GET", path: "/api/v1/alerts/collections", summary: "The hub's collections with their reader and writer groups (administrators).", auth: true, roles: admins, purposes: administration, response: "AlertCollectionList", handler: s.listAlertCollections},
		{method: "POST", path: "/api/v1/alerts/collections", summary: "Create or change a collection (the hub's administrators): title, reader and writer groups, the TLP of unmarked objects.", auth: true, roles: admins, purposes: administration, request: "AlertCollection", response: "AlertCollection", handler: s.putAlertCollection},
		{method: "GET", path: "/api/v1/alerts/agreements", summary: "The agreements with third-country partners (administrators).", auth: true, roles: admins, purposes: administration, response: "AgreementList", handler: s.listAgreements},
		{method: "PUT", path: "/api/v1/alerts/agreements/{id}", summary: "Create or change an agreement with a third-country partner (the hub's administrators): purposes, object types, highest TLP, collections, onward transfer, review date.", auth: true, roles: admins, purposes: administration, request: "Agreement", response: "Agreement", handler: s.putAgreement},
		withQuery(route{method: "GET", path: "/api/v1/alerts/search", summary: "Which objects the caller may receive hold every word of a search in their text (names, descriptions, the content of reports and notes: practitioners' knowledge), newest first, as disclosed to the caller. Audited as a disclosure, with the words' keyed hashes.", auth: true, roles: sharing, purposes: alerting, response: "AlertSearch", handler: s.searchAlerts},
			[]param{{"q", "string", "the words, all of which an object holds (at most 10)"}, {"limit", "integer", "at most this many, 1 to 1,000 (100)"}}),
		withQuery(route{method: "GET", path: "/api/v1/alerts/correlate", summary: "Which objects the caller may receive hold an observable value (address, domain, URL, e-mail, hash, MAC, account, hashtag), newest first: the latest version of each, as disclosed to the caller, so a value in a property withheld from it does not correlate. A value on a warninglist correlates with nothing. Audited as a disclosure, with the value's keyed hash.", auth: true, roles: sharing, purposes: alerting, response: "Correlation", handler: s.correlate},
			[]param{{"value", "string", "the value; its kind is told from its form"}, {"kind", "string", "ipv4, ipv6, domain, url, email, mac, account, hashtag, md5, sha-1, sha-256, sha-512, sha3-256, sha3-512, ssdeep or tlsh"},
				{"limit", "integer", "at most this many, 1 to 1,000 (100)"}}),

		{method: "GET", path: "/api/v1/alerts/ras/{collection}/dashboard", summary: "Rapid Alert System: the dashboard of a collection, of what the caller may see in it: open alerts with the contact points yet to acknowledge, the alerts settled in the window, and the spread of narratives and DISARM techniques (the Member States that raised an alert of them or reported them sighted). Readers of the collection; audited as a disclosure.", auth: true, roles: officers, purposes: ras, response: "RASDashboard",
			query: []param{{"days", "integer", "the window, the last this many days (1 to 366, default 7)"}}, handler: s.rasDashboard},
		{method: "POST", path: "/api/v1/alerts/ras/{collection}/alerts", summary: "Raise an alert of the Rapid Alert System: a person of a contact point that writes the collection, at the threshold transnational-significant-impact with a justification, tagged with DISARM techniques held in a collection the caller reads. Stored as an x-eu-ras-alert STIX object, so it federates over TAXII; audited.", auth: true, roles: officers, purposes: ras, request: "RASAlertInput", response: "RASAlert", status: http.StatusCreated, handler: s.raiseRASAlert},
		{method: "GET", path: "/api/v1/alerts/ras/{collection}/alerts/{id}", summary: "An alert and where its acknowledgements stand: open until every contact point of the collection's readers has acknowledged it, or closed by its raiser. Audited as a disclosure.", auth: true, roles: officers, purposes: ras, response: "RASAlert", handler: s.getRASAlert},
		{method: "POST", path: "/api/v1/alerts/ras/{collection}/alerts/{id}/acknowledgements", summary: "A contact point acknowledges an alert: 201 the first time, 200 with nothing changed after (its raiser acknowledged by raising). A closed alert takes none.", auth: true, roles: officers, purposes: ras, response: "RASAlert", status: http.StatusCreated, handler: s.acknowledgeRASAlert},
		{method: "POST", path: "/api/v1/alerts/ras/{collection}/alerts/{id}/close", summary: "The contact point that raised an alert closes it, with the reason: a new version of the alert.", auth: true, roles: officers, purposes: ras, request: "RASClose", response: "RASAlert", handler: s.closeRASAlert},
		{method: "POST", path: "/api/v1/alerts/incidents/{collection}", summary: "Report a cyber incident, as the CSIRTs network does (writers of the collection): title, TLP, affected NIS2 sectors, IoCs as STIX patterns. Stored as an incident with an indicator and an indicates relationship per IoC; answers its timeline.", auth: true, roles: officers, purposes: ras, request: "IncidentInput", response: "IncidentTimeline", status: http.StatusCreated, handler: s.reportIncident},
		{method: "POST", path: "/api/v1/alerts/incidents/{collection}/{id}/updates", summary: "An update of an incident (writers of the collection): a note, new IoCs, and a change of status (open, contained, resolved) by the reporting authority alone, which is a new version of the incident. Answers the timeline.", auth: true, roles: officers, purposes: ras, request: "IncidentUpdate", response: "IncidentTimeline", status: http.StatusCreated, handler: s.updateIncident},
		{method: "GET", path: "/api/v1/alerts/incidents/{collection}/{id}/timeline", summary: "An incident's timeline, of what the caller may see: its versions, updates, indicators and sightings of it or of its indicators, in time order. Audited as a disclosure.", auth: true, roles: officers, purposes: ras, response: "IncidentTimeline", handler: s.incidentTimeline},

		{method: "GET", path: "/api/v1/audit/checkpoint", summary: "The latest signed checkpoint of the audit log.", auth: true, roles: anyone, response: "Checkpoint", handler: s.latestCheckpoint},
		{method: "GET", path: "/api/v1/audit/checkpoints/{size}", summary: "The signed checkpoint of a given tree size.", auth: true, roles: anyone, response: "Checkpoint", handler: s.checkpointOfSize},
		{method: "GET", path: "/api/v1/audit/proofs/inclusion", summary: "RFC 6962 inclusion proof of an entry in a tree size.", auth: true, roles: anyone, response: "Proof",
			query: []param{{"seq", "integer", "entry sequence number"}, {"size", "integer", "tree size (a checkpoint's size)"}}, handler: s.inclusionProof},
		{method: "GET", path: "/api/v1/audit/proofs/consistency", summary: "RFC 6962 consistency proof between two tree sizes.", auth: true, roles: anyone, response: "Proof",
			query: []param{{"from", "integer", "smaller tree size"}, {"to", "integer", "larger tree size"}}, handler: s.consistencyProof},
		{method: "POST", path: "/api/v1/audit/search", summary: "Search audit entries (supervisors); the search is itself logged.", auth: true, roles: supervisors, purposes: supervision, request: "AuditFilter", response: "AuditEntryList", handler: s.searchAudit},
		{method: "POST", path: "/api/v1/audit/verify", summary: "Verify the whole audit log against its signed checkpoints (supervisors).", auth: true, roles: supervisors, response: "VerifyReport", handler: s.verifyAudit},

		{method: "GET", path: "/api/v1/signals/changes", summary: "The change feed of the hash banks: each entry as its latest change left it (added, disabled, enabled again), in the order of the changes, after a checkpoint. A reader that keeps `next` sees every addition and deletion. Providers, competent authorities, Europol.", auth: true, roles: officers, response: "SignalChangePage",
			query: feed, handler: s.signalChanges},
		{method: "GET", path: "/api/v1/signals/exchange/tat", summary: "The same change feed in Tech Against Terrorism's hash list form (hash_digest, algorithm, ideology, file_type, deleted, created_on, updated_on; a disabled entry is deleted), paged with `after` = the page's `checkpoint`; secunion adds quality, entity and behaviour. What `secunion serve --pull` reads from another node.", auth: true, roles: officers, response: "TATPage",
			query: feed, handler: s.signalChangesTAT},
		{method: "GET", path: exportPath, summary: "A whole bank as a list: a STIX 2.1 bundle of indicators (application/stix+json; PDQ as file:hashes.x_pdq, labels in x_secunion_labels, disabled entries revoked) or CSV with a header row (deleted = disabled). At most 1,000,000 entries, sent within 15 minutes: pull larger banks through the change feed. Providers, competent authorities, Europol.", auth: true, roles: officers, response: "list",
			query: []param{{"format", "string", "stix (default) or csv"}}, handler: s.exportBank},
		{method: "POST", path: importPath, summary: "Import a hash list into a bank (competent authorities and Europol): the body is the list itself, in TAT's JSON form, a STIX 2.1 bundle or CSV with a header row, up to 512 MiB and 1,000,000 hashes, sent within 15 minutes. One import at a time per node (503 while another runs). Read whole first: a list with any bad item is refused with every bad item and field named, and nothing changes. Then in one transaction, during which the node's other writes wait, new hashes are added (audited), hashes the list deletes are disabled, held ones are counted unchanged.", auth: true, roles: officers, request: "list", response: "SignalImportResult",
			query: []param{{"format", "string", "tat, stix or csv (default: from the Content-Type: text/csv, application/stix+json)"}, {"ref", "string", "what the list is, kept as the entries' source_ref"}}, handler: s.importList},

		{method: "POST", path: "/api/v1/crisis/incidents", summary: "EU Crisis Protocol: declare an incident, detected and notified (competent authorities and Europol). The declaring authority, Europol and the named participants take part and are notified; audited.", auth: true, roles: officers, purposes: tco, request: "CrisisIncidentInput", response: "CrisisIncident", status: http.StatusCreated, handler: s.declareIncident},
		{method: "GET", path: "/api/v1/crisis/incidents", summary: "The incidents the caller's authority takes part in, newest first; audited.", auth: true, roles: officers, purposes: tco, response: "CrisisIncidentList", handler: s.listIncidents},
		{method: "GET", path: "/api/v1/crisis/incidents/{id}", summary: "An incident as a participant sees it: state, participants, the latest 200 timeline entries (with how many earlier ones are not shown), figures (time from activation to the first hash, hashes and URLs shared, upload attempts blocked per provider), the caller's role and the steps it may take; audited.", auth: true, roles: officers, purposes: tco, response: "CrisisRoom", handler: s.getIncident},
		{method: "GET", path: "/api/v1/crisis/incidents/{id}/timeline", summary: "An incident's timeline, newest first, before an entry: the entries older than the room shows; audited.", auth: true, roles: officers, purposes: tco, response: "CrisisTimelinePage",
			query: []param{{"before", "integer", "the id of the oldest entry read (none: from the latest)"}, {"limit", "integer", "at most this many, 1 to 1,000 (200)"}}, handler: s.timelineBefore},
		{method: "POST", path: "/api/v1/crisis/incidents/{id}/steps", summary: "A step of the protocol: activate, coordinate, deactivate (with the reason) and debrief (with the conclusions) by Europol or the declaring authority; a note by any participant. On activation every participant is notified and providers with a webhook get a signed push. Refusals are audited and change nothing.", auth: true, roles: officers, purposes: tco, request: "CrisisStep", response: "CrisisIncident", handler: s.stepIncident},
		{method: "POST", path: "/api/v1/crisis/incidents/{id}/participants", summary: "Add a competent authority, Europol or a hosting service provider to an open incident (Europol or the declaring authority); it is notified.", auth: true, roles: officers, purposes: tco, request: "CrisisParticipantInput", status: http.StatusNoContent, handler: s.addParticipant},
		{method: "DELETE", path: "/api/v1/crisis/incidents/{id}/participants/{code}", summary: "Remove a participant from an open incident (Europol or the declaring authority); the declaring authority stays.", auth: true, roles: officers, purposes: tco, status: http.StatusNoContent, handler: s.removeParticipant},
		{method: "POST", path: "/api/v1/crisis/incidents/{id}/hashes", summary: "Share a hash in an active incident (any participant): it enters the incident's bank, reaches the node's matcher within its next poll, and is pushed, signed, to participating providers with a webhook. 201 with the item, or 200 with the one shared before.", auth: true, roles: officers, purposes: tco, request: "CrisisHashInput", response: "CrisisShared", status: http.StatusCreated, handler: s.shareHash},
		{method: "POST", path: "/api/v1/crisis/incidents/{id}/urls", summary: "Share the URL of content spreading in an active incident (any participant); pushed to participating providers with a webhook. 201 with the item, or 200 with the one shared before.", auth: true, roles: officers, purposes: tco, request: "CrisisURLInput", response: "CrisisShared", status: http.StatusCreated, handler: s.shareURL},
		{method: "GET", path: "/api/v1/crisis/incidents/{id}/shared", summary: "The hashes and URLs shared in an incident after a checkpoint, in order (participants' pull); audited.", auth: true, roles: officers, purposes: tco, response: "CrisisSharedPage",
			query: []param{{"after", "integer", "the seq of the last item read (0)"}, {"limit", "integer", "at most this many, 1 to 10,000 (1,000)"}}, handler: s.sharedAfter},
		{method: "GET", path: "/api/v1/crisis/notifications", summary: "The caller's authority's notifications of incidents declared, activated or joined, after a checkpoint, in order.", auth: true, roles: officers, purposes: tco, response: "CrisisNotificationPage",
			query: []param{{"after", "integer", "the id of the last notification read (0)"}, {"limit", "integer", "at most this many, 1 to 1,000 (100)"}}, handler: s.crisisNotifications},
	}
}

// withQuery returns rt with its query parameters.
func withQuery(rt route, q []param) route {
	rt.query = q
	return rt
}
