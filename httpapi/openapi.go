package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/biometric"
	"secunion/identity"
	"secunion/links"
	"secunion/removal"
)

// openapi builds the OpenAPI 3.1 description of the API from the route
// table, so that every route is described; the test keeps it as a golden
// file to make every change of the API surface visible in review.
func (s *Server) openapi() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": operationID(rt),
			"responses":   responses(rt),
		}
		var params []any
		for _, name := range pathParams.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": name[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.doc, "schema": map[string]any{"type": q.typ}})
		}
		if rt.purposes != nil {
			names := make([]string, len(rt.purposes))
			for i, p := range rt.purposes {
				names[i] = string(p)
			}
			purpose := map[string]any{"name": "X-Purpose", "in": "header", "required": true, "description": "Purpose of processing: one this route takes and the caller's authority kind may declare.",
				"schema": map[string]any{"type": "string", "enum": names}}
			if rt.implied != "" {
				purpose["required"] = false
				purpose["description"] = purpose["description"].(string) + " Without the header, a call declares " + string(rt.implied) + " (TAXII clients send no header of ours)."
				op["x-implied-purpose"] = string(rt.implied)
			}
			params = append(params, purpose,
				map[string]any{"$ref": "#/components/parameters/Justification"})
			op["x-purposes"] = names
		}
		if slices.Contains(rt.roles, access.RoleNode) {
			params = append(params, map[string]any{"$ref": "#/components/parameters/OnBehalfOf"})
		}
		if rt.auth {
			op["x-roles"] = rt.roles
			op["description"] = "Roles: " + strings.Join(rt.roles, ", ") + "."
			if rt.purposes != nil {
				op["description"] = op["description"].(string) + " Purposes: " + joinPurposes(rt.purposes) + "."
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.request {
		case "":
		case "file": // an upload: the file as the body, or a multipart form's field "file"
			binary := map[string]any{"type": "string", "format": "binary"}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/octet-stream": map[string]any{"schema": binary},
				"multipart/form-data":      map[string]any{"schema": obj([]string{"file"}, map[string]any{"file": binary})}}}
		case "list": // a hash list: TAT's JSON, a STIX 2.1 bundle or CSV
			op["requestBody"] = map[string]any{"required": true, "content": listContent()}
		default:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(rt.request)}}}
		}
		if rt.method == "POST" && strings.HasPrefix(rt.path, "/taxii2/") {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				alerts.MediaType: map[string]any{"schema": ref("TAXIIEnvelope")}}}
		}
		if rt.auth {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		} else {
			op["security"] = []any{}
		}
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	purposes := make([]string, len(secunion.Purposes))
	for i, p := range secunion.Purposes {
		purposes[i] = string(p)
	}
	kinds := make([]string, len(access.Kinds))
	for i, k := range access.Kinds {
		kinds[i] = string(k)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "secunion API",
			"version":     "1",
			"description": "The information-exchange tools of the EU Security Union. Each operation names the roles that may call it (x-roles) and, for personal data, the purposes it takes (x-purposes): such a request declares one (X-Purpose) and, for law-enforcement purposes, a justification (X-Justification). Every refusal is audited.",
			"license":     map[string]any{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "An API token (sut_…) from `secunion admin token create` or POST /api/v1/tokens."}},
			"parameters": map[string]any{
				"Justification": map[string]any{"name": "X-Justification", "in": "header", "description": "Case reference or other justification; required for law-enforcement and passenger-screening.",
					"schema": map[string]any{"type": "string", "maxLength": 500}},
				"OnBehalfOf": map[string]any{"name": "X-On-Behalf-Of", "in": "header", "description": "Sent by another secunion node's service user (role node), and only by it, which must send it: the end user it asks for, as AUTHORITY/login. Grants nothing; the audit entry records that user as the recipient.",
					"schema": map[string]any{"type": "string", "pattern": "^[A-Z0-9][A-Z0-9-]{1,31}/[a-z0-9][a-z0-9._-]{1,63}$"}},
			},
			"schemas": withSchemas(schemas(purposes, kinds), exchangeSchemas(), crisisSchemas(), alertSchemas(), rasSchemas()),
		},
	}
}

// listContent is the media types of a hash list in a request or an
// answer.
func listContent() map[string]any {
	return map[string]any{
		"application/json":      map[string]any{"schema": map[string]any{"type": "object", "description": "Tech Against Terrorism's list form"}},
		"application/stix+json": map[string]any{"schema": map[string]any{"type": "object", "description": "a STIX 2.1 bundle of indicators"}},
		"text/csv":              map[string]any{"schema": map[string]any{"type": "string"}},
	}
}

// withSchemas returns base with the schemas of each part's table added.
func withSchemas(base map[string]any, parts ...map[string]any) map[string]any {
	for _, p := range parts {
		maps.Copy(base, p)
	}
	return base
}

var pathParams = regexp.MustCompile(`\{([a-z]+)\}`)

func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.FieldsFunc(rt.path, func(r rune) bool { return r == '/' || r == '.' || r == '{' || r == '}' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func ref(name string) map[string]any {
	switch name {
	case "text":
		return map[string]any{"type": "string"}
	case "object":
		return map[string]any{"type": "object"}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func responses(rt route) map[string]any {
	code := rt.status
	if code == 0 {
		code = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(code)}
	if rt.response != "" {
		media := "application/json"
		switch {
		case rt.response == "text":
			media = "text/plain"
		case strings.HasPrefix(rt.path, "/taxii2/"):
			media = alerts.MediaType
		}
		content := map[string]any{media: map[string]any{"schema": ref(rt.response)}}
		if rt.response == "list" {
			content = listContent()
		}
		if rt.response == "SearchResult" {
			content["application/x-ndjson"] = map[string]any{"schema": ref("SearchAnswer")}
			content["text/event-stream"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		ok["content"] = content
	}
	out := map[string]any{strconv.Itoa(code): ok}
	errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	add := func(status int) {
		e := map[string]any{"description": http.StatusText(status)}
		for k, v := range errRef {
			e[k] = v
		}
		out[strconv.Itoa(status)] = e
	}
	if rt.auth {
		add(http.StatusUnauthorized)
		add(http.StatusForbidden)
	}
	if rt.request != "" {
		add(http.StatusBadRequest)
		add(http.StatusRequestTimeout)
		add(http.StatusRequestEntityTooLarge)
		add(http.StatusUnsupportedMediaType)
	}
	if strings.Contains(rt.path, "{") {
		add(http.StatusNotFound)
	}
	if rt.auth || rt.path == "/api/v1/enrolment" {
		add(http.StatusTooManyRequests)
	}
	if rt.method == "POST" && rt.status == http.StatusCreated {
		add(http.StatusConflict)
	}
	add(http.StatusServiceUnavailable)
	return out
}

func obj(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if required != nil {
		o["required"] = required
	}
	return o
}

func list(field, item string) map[string]any {
	return obj([]string{field}, map[string]any{field: map[string]any{"type": "array", "items": ref(item)}})
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer"}
	boolean = map[string]any{"type": "boolean"}
	when    = map[string]any{"type": "string", "format": "date-time"}
	strs    = map[string]any{"type": "array", "items": str}
	number  = map[string]any{"type": "number"}
	counts  = map[string]any{"type": "object", "additionalProperties": integer}
	// A template's vector: biometric.Dims(modality) finite numbers.
	modality = map[string]any{"type": "string", "enum": []string{string(biometric.Face), string(biometric.Fingerprint)}}
	vector   = map[string]any{"type": "array", "items": number, "description": "512 values for a face, 256 for a fingerprint; finite; scaled to unit length"}
)

func schemas(purposes, kinds []string) map[string]any {
	kind := map[string]any{"type": "string", "enum": kinds}
	purpose := map[string]any{"type": "string", "enum": purposes}
	roles := map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": slices.Clone(access.Roles)}}
	codes := []string{}
	for c := range StatusOf {
		codes = append(codes, string(c))
	}
	codes = append(codes, unsupportedMedia, methodNotAllowed, requestTimedOut)
	slices.Sort(codes)
	return map[string]any{
		"Error": obj([]string{"error"}, map[string]any{"error": obj([]string{"code", "message"}, map[string]any{
			"code": map[string]any{"type": "string", "enum": codes}, "message": str, "request_id": str})}),
		"Status":         obj([]string{"status"}, map[string]any{"status": str, "version": str}),
		"Authority":      obj([]string{"code", "name", "country", "kind", "created"}, map[string]any{"code": str, "name": str, "country": str, "kind": kind, "created": when}),
		"AuthorityInput": obj([]string{"code", "name", "country", "kind"}, map[string]any{"code": str, "name": str, "country": str, "kind": kind}),
		"AuthorityList":  list("authorities", "Authority"),
		"User": obj([]string{"id", "login", "name", "authority", "roles"}, map[string]any{"id": integer, "login": str, "name": str,
			"authority": str, "roles": roles, "disabled": boolean, "created": when}),
		"UserInput": obj([]string{"login", "name", "authority", "roles"}, map[string]any{"login": str, "name": str, "authority": str, "roles": roles}),
		"Enrolment": obj([]string{"code", "expires"}, map[string]any{"code": map[string]any{"type": "string", "description": "the one-time enrolment code (sue_…), shown once: pass it on to the user"}, "expires": when}),
		"NewUser": obj([]string{"id", "login", "name", "authority", "roles", "enrolment"}, map[string]any{"id": integer, "login": str, "name": str,
			"authority": str, "roles": roles, "disabled": boolean, "created": when, "enrolment": ref("Enrolment")}),
		"EnrolmentInput": obj([]string{"code", "password"}, map[string]any{"code": str,
			"password": map[string]any{"type": "string", "minLength": access.MinPasswordLength, "maxLength": 1024}}),
		"UserList": list("users", "User"),
		"Token": obj([]string{"id", "user", "name", "created", "expires"}, map[string]any{"id": str, "user": str, "name": str,
			"created": when, "expires": when, "revoked": when}),
		"TokenInput": obj([]string{"name"}, map[string]any{"user": str, "name": str, "lifetime_days": map[string]any{"type": "integer", "minimum": 1, "maximum": 366}}),
		"NewToken": obj([]string{"id", "token"}, map[string]any{"id": str, "user": str, "name": str, "created": when, "expires": when,
			"token": map[string]any{"type": "string", "description": "the secret, shown once"}}),
		"TokenList":   list("tokens", "Token"),
		"Profile":     obj([]string{"kind", "purpose", "systems", "fields"}, map[string]any{"kind": kind, "purpose": purpose, "systems": strs, "fields": strs}),
		"ProfileList": list("profiles", "Profile"),
		"Purpose":     obj([]string{"name", "needs_justification"}, map[string]any{"name": purpose, "needs_justification": boolean}),
		"PurposeList": list("purposes", "Purpose"),
		"Me": obj([]string{"user", "authority", "profiles"}, map[string]any{"user": ref("User"), "authority": ref("Authority"),
			"profiles": map[string]any{"type": "array", "items": ref("Profile")}}),
		"Checkpoint": obj([]string{"note", "origin", "size", "root", "time"}, map[string]any{"note": map[string]any{"type": "string", "description": "C2SP tlog-checkpoint signed note"},
			"origin": str, "size": integer, "root": map[string]any{"type": "string", "contentEncoding": "base64"}, "time": when, "verifier_key": str}),
		"Proof": obj([]string{"hashes"}, map[string]any{"hashes": map[string]any{"type": "array", "items": map[string]any{"type": "string", "contentEncoding": "base64"}}}),
		"AuditFilter": obj(nil, map[string]any{"authority": str, "user": str, "operation": str, "purpose": str, "from": when, "to": when,
			"value":  map[string]any{"type": "string", "description": "a personal value (name, document number): entries whose keyed HMACs include it"},
			"before": map[string]any{"type": "integer", "description": "entries with a lower sequence number (paging)"}, "limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 500}}),
		"AuditEntry": obj([]string{"seq", "time", "operation", "outcome", "leaf_hash"}, map[string]any{"seq": integer, "time": when, "authority": str, "user": str,
			"operation": str, "purpose": str, "justification": str, "objects": strs, "recipients": strs, "categories": strs, "results": integer,
			"outcome": map[string]any{"type": "string", "enum": []string{"ok", "denied", "failed"}}, "detail": str, "values": strs,
			"leaf_hash": map[string]any{"type": "string", "contentEncoding": "base64"}}),
		"AuditEntryList": list("entries", "AuditEntry"),
		"SystemList": obj([]string{"systems"}, map[string]any{"systems": map[string]any{"type": "array", "items": obj([]string{"name", "in_cir"},
			map[string]any{"name": map[string]any{"type": "string", "enum": identity.Systems}, "in_cir": boolean})}}),
		"Record": recordSchema(),
		"SystemStatus": obj([]string{"system", "state", "remote", "ms"}, map[string]any{"system": map[string]any{"type": "string", "enum": identity.Systems},
			"state": map[string]any{"type": "string", "enum": []string{"up", "down"}}, "remote": map[string]any{"type": "boolean", "description": "held by another node"},
			"records": map[string]any{"type": "integer", "description": "records the system holds, when known"}, "ms": integer,
			"last_error": str, "last_error_at": when}),
		"SearchQuery": obj(nil, map[string]any{"surname": str, "given_names": str, "birth_date": str, "sex": str, "nationality": str,
			"document_number": str, "document_country": str, "mrz": map[string]any{"type": "string", "description": "2 or 3 MRZ lines separated by newlines"},
			"biometric": obj([]string{"modality", "vector"}, map[string]any{"modality": modality, "vector": vector}),
			"systems":   strs, "limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 100}}),
		"SearchAnswer": obj([]string{"system", "status", "hits", "ms"}, map[string]any{"system": str,
			"status": map[string]any{"type": "string", "enum": []string{"answered", "no-hit", "timed-out", "failed"}}, "ms": integer, "error": str,
			"hits": map[string]any{"type": "array", "items": obj([]string{"system", "record_id", "score", "why", "record"},
				map[string]any{"system": str, "record_id": str, "score": map[string]any{"type": "number"}, "why": strs, "record": ref("Record"),
					"links": map[string]any{"type": "array", "items": obj([]string{"id", "colour", "system", "record_id"}, map[string]any{"id": str, "colour": str, "system": str, "record_id": str})}})}}),
		"SearchResult": map[string]any{"description": "One JSON object {answers, hits}; or, streamed, NDJSON lines {\"answer\": SearchAnswer} then {\"done\": {hits, systems}}, or Server-Sent Events answer and done with the same data.",
			"type": "object", "properties": map[string]any{"answers": map[string]any{"type": "array", "items": ref("SearchAnswer")}, "hits": integer}},
		"Template": obj([]string{"system", "record_id", "modality", "quality", "vector"}, map[string]any{"id": str,
			"system": map[string]any{"type": "string", "enum": identity.Systems}, "record_id": str, "modality": modality,
			"quality": map[string]any{"type": "integer", "minimum": 0, "maximum": 100}, "vector": vector}),
		"TemplateInfo": obj([]string{"id", "system", "record_id", "modality", "quality"}, map[string]any{"id": str, "system": str, "record_id": str, "modality": modality, "quality": integer}),
		"IdentifyRequest": obj([]string{"modality", "vector"}, map[string]any{"modality": modality, "vector": vector,
			"k": map[string]any{"type": "integer", "minimum": 1, "maximum": biometric.MaxK, "description": "candidates; 10 if omitted"}, "systems": strs}),
		"SignalLookup": obj([]string{"algorithm", "value", "distance", "matches"}, map[string]any{"algorithm": str, "value": str, "distance": integer,
			"matches": map[string]any{"type": "array", "items": obj([]string{"entry", "distance"}, map[string]any{"entry": ref("SignalEntry"), "distance": integer})}}),
		"SignalEntry": obj([]string{"id", "bank", "algorithm", "value", "source", "enabled"}, map[string]any{
			"id": integer, "bank": str, "algorithm": str, "value": str, "quality": integer, "labels": map[string]any{"type": "object", "additionalProperties": str}, "source": str, "source_ref": str, "added_by": str, "added": str, "enabled": boolean}),
		"SignalInput": obj([]string{"algorithm", "value", "source"}, map[string]any{"algorithm": str, "value": str, "quality": integer,
			"labels": map[string]any{"type": "object", "additionalProperties": str}, "source": str, "source_ref": str}),
		"RemovedHashes": obj([]string{"hashes"}, map[string]any{"hashes": map[string]any{"type": "array", "minItems": 1, "maxItems": 100, "items": ref("RemovedHash")}}),
		"RemovedHash": obj([]string{"algorithm", "value"}, map[string]any{"algorithm": str, "value": str, "quality": integer,
			"labels": obj(nil, map[string]any{"content_type": str, "entity": str, "behaviour": str, "ideology": str})}),
		"SignalEntryList": list("entries", "SignalEntry"),
		"SignalEnabled":   obj([]string{"enabled"}, map[string]any{"enabled": boolean}),
		"SignalPage":      obj([]string{"entries", "next"}, map[string]any{"entries": map[string]any{"type": "array", "items": ref("SignalEntry")}, "next": integer}),
		"SignalIndex":     obj([]string{"entries"}, map[string]any{"entries": integer}),
		"ContentHashes": obj([]string{"md5", "sha256", "sha512", "size", "pdq_quality"}, map[string]any{"md5": str, "sha256": str, "sha512": str, "size": integer,
			"format": map[string]any{"type": "string", "description": "jpeg, png or gif; absent when the file is not an image"},
			"pdq":    str, "pdq_quality": map[string]any{"type": "integer", "description": "0–100; below 50 the PDQ hash is not trusted (0 when not an image)"},
			"pdq_dihedral": map[string]any{"type": "object", "description": "with dihedral=true: the eight variants by name (pdq, pdq-rot90, …)", "additionalProperties": str}}),
		"FileLookup": obj([]string{"hashes", "distance", "matches"}, map[string]any{"hashes": ref("ContentHashes"), "distance": integer,
			"pdq_note": map[string]any{"type": "string", "description": "why the PDQ hash was not looked up (quality below 50)"},
			"matches":  map[string]any{"type": "array", "items": obj([]string{"entry", "distance"}, map[string]any{"entry": ref("SignalEntry"), "distance": integer})}}),
		"CompareInput": obj([]string{"algorithm", "pairs"}, map[string]any{"algorithm": str,
			"pairs": map[string]any{"type": "array", "maxItems": 1000, "items": map[string]any{"type": "array", "minItems": 2, "maxItems": 2, "items": str}}}),
		"CompareResult": obj([]string{"algorithm", "distance", "results"}, map[string]any{"algorithm": str, "distance": integer,
			"results": map[string]any{"type": "array", "items": obj([]string{"match"}, map[string]any{"distance": integer, "match": boolean})}}),
		"IdentifyResult": obj([]string{"matches", "threshold"}, map[string]any{"matches": map[string]any{"type": "array", "items": ref("BiometricMatch")}, "threshold": number}),
		"BiometricMatch": obj([]string{"id", "system", "record_id", "score"}, map[string]any{"id": str, "system": str, "record_id": str,
			"score": map[string]any{"type": "number", "description": "cosine similarity"}}),
		"VerifyRequest": obj([]string{"modality", "vector", "template_id"}, map[string]any{"modality": modality, "vector": vector, "template_id": str}),
		"VerifyResult": obj([]string{"id", "system", "record_id", "score", "threshold", "same"}, map[string]any{"id": str, "system": str, "record_id": str,
			"score": number, "threshold": number, "same": boolean}),
		"Link":           linkSchema(),
		"LinkList":       list("links", "Link"),
		"LinkComparison": obj([]string{"link", "a", "b"}, map[string]any{"link": ref("Link"), "a": ref("Record"), "b": ref("Record")}),
		"LinkDecision": obj([]string{"colour", "reason"}, map[string]any{"colour": map[string]any{"type": "string", "enum": []string{"white", "green", "red"}},
			"reason": map[string]any{"type": "string", "maxLength": links.MaxReason}}),
		"LinkStats": obj([]string{"by_colour", "queue", "oldest_yellow_s", "decided", "median_decision_s"}, map[string]any{
			"by_colour": counts, "queue": counts, "oldest_yellow_s": counts, "decided": integer, "median_decision_s": number}),
		"ProviderInput": obj([]string{"name", "state"}, map[string]any{"name": str,
			"state":                map[string]any{"type": "string", "description": "Member State of the main establishment, or of the legal representative (Art 17)"},
			"legal_representative": str, "outside_union": boolean,
			"webhook": map[string]any{"type": "string", "description": "https URL (http only on loopback) receiving signed pushes; omit for the inbox alone"},
			"secret":  map[string]any{"type": "string", "minLength": removal.MinSecret, "description": "webhook signing secret (HMAC-SHA256); kept if omitted on a change; never shown"},
			"phone":   str}),
		"Provider":     providerSchema(),
		"ProviderList": list("providers", "Provider"),
		"ProcedureInformation": obj([]string{"provider", "sent", "first_order_from"}, map[string]any{"provider": str, "sent": when,
			"first_order_from": map[string]any{"type": "string", "format": "date-time", "description": "a first order needs no emergency from then on"}}),
		"RemovalOrderInput": removalInputSchema(),
		"RemovalOrder":      removalOrderSchema(),
		"RemovalOrderList":  list("orders", "RemovalOrder"),
		"RemovalOrderView": obj([]string{"order", "timeline"}, map[string]any{"order": ref("RemovalOrder"),
			"timeline": map[string]any{"type": "array", "items": obj([]string{"order", "at", "action", "party", "actor", "from", "to"}, map[string]any{
				"order": str, "at": when, "action": str, "party": str, "actor": str, "from": str, "to": str, "note": str})}}),
		"RemovalStep": obj([]string{"action"}, map[string]any{
			"action":       map[string]any{"type": "string", "enum": stepActions()},
			"removed_at":   map[string]any{"type": "string", "format": "date-time", "description": "remove: when the content came down (default now)"},
			"obstacle":     map[string]any{"type": "string", "enum": []string{string(removal.ForceMajeure), string(removal.ManifestError), string(removal.MissingDetails)}, "description": "cannot-comply: the reason of Annex III"},
			"text":         map[string]any{"type": "string", "maxLength": 2000, "description": "the explanation, clarification, reasons of a decision or of a withdrawal"},
			"infringement": map[string]any{"type": "boolean", "description": "decide-scrutiny: the order infringes the Regulation or fundamental rights; it ends"},
			"hashes":       map[string]any{"type": "array", "maxItems": 100, "items": ref("RemovedHash"), "description": "remove: hashes of the removed content; they enter the TCO bank (tco-removed) with the removal"}}),
		"ComplaintInput":    obj([]string{"text"}, map[string]any{"text": map[string]any{"type": "string", "minLength": 10, "maxLength": 2000}}),
		"ComplaintDecision": obj([]string{"upheld", "reasons"}, map[string]any{"upheld": boolean, "reasons": map[string]any{"type": "string", "minLength": 10, "maxLength": 2000}}),
		"Complaint": obj([]string{"id", "order", "provider", "received", "due", "text"}, map[string]any{"id": str, "order": str, "provider": str,
			"received": when, "due": when, "text": str, "decided": when, "upheld": boolean, "reasons": str}),
		"ComplaintList": list("complaints", "Complaint"),
		"ReferralInput": obj([]string{"provider", "items", "reasons"}, map[string]any{"provider": str, "items": itemsSchema(), "reasons": str}),
		"ReferralAssessment": obj([]string{"outcome"}, map[string]any{"outcome": map[string]any{"type": "string", "enum": []string{string(removal.Taken), string(removal.Kept)}},
			"note": str}),
		"Referral": obj([]string{"id", "referrer", "provider", "items", "reasons", "sent"}, map[string]any{"id": str, "referrer": str, "provider": str,
			"items": itemsSchema(), "reasons": str, "sent": when, "assessed": when, "outcome": str, "note": str}),
		"ReferralList": obj([]string{"referrals", "assessed", "removed", "removal_rate"}, map[string]any{
			"referrals": map[string]any{"type": "array", "items": ref("Referral")}, "assessed": integer, "removed": integer, "removal_rate": number}),
		"ThreatInput": obj([]string{"states", "items", "description"}, map[string]any{"states": strs, "items": itemsSchema(), "description": str}),
		"ThreatReport": obj([]string{"id", "provider", "states", "items", "description", "reported", "urgent"}, map[string]any{"id": str, "provider": str,
			"states": strs, "items": itemsSchema(), "description": str, "reported": when, "urgent": boolean}),
		"ThreatReportList": list("threat_reports", "ThreatReport"),
		"ExposureInput":    obj([]string{"exposed", "reasons"}, map[string]any{"exposed": boolean, "reasons": map[string]any{"type": "string", "minLength": 10, "maxLength": 2000}}),
		"Exposure": obj([]string{"provider", "decided_by", "decided", "exposed", "final_orders", "reasons"}, map[string]any{"provider": str, "decided_by": str,
			"decided": when, "exposed": boolean, "final_orders": integer, "reasons": str}),
		"ExposureList": obj([]string{"providers"}, map[string]any{"providers": map[string]any{"type": "array", "items": obj([]string{"provider", "final_orders", "flagged", "decisions"},
			map[string]any{"provider": str, "final_orders": integer, "flagged": boolean, "decisions": map[string]any{"type": "array", "items": ref("Exposure")}})}}),
		"ProviderOutcomeList": obj([]string{"since", "providers"}, map[string]any{"since": when, "providers": map[string]any{"type": "array",
			"items": obj([]string{"provider", "orders", "executed", "within_hour", "median_minutes", "breaches", "not_executed", "pending"}, map[string]any{
				"provider": str, "orders": integer, "executed": integer, "within_hour": integer, "breaches": integer, "not_executed": integer, "pending": integer,
				"median_minutes": map[string]any{"type": "number", "description": "from receipt to removal, of the executed orders; 0 when none"}})}}),
		"ProviderReport":  figuresSchema(removal.ProviderReport{}),
		"AuthorityReport": figuresSchema(removal.AuthorityReport{}),
		"VerifyReport": obj([]string{"intact", "entries", "checkpoints"}, map[string]any{"intact": boolean, "entries": integer, "checkpoints": integer,
			"latest_checkpoint_size": integer, "first_bad_entry": integer, "problem": str}),
	}
}

func (s *Server) openapiHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(s.openapi())
}

// linkSchema describes links.Link, an identity confirmation file.
func linkSchema() map[string]any {
	recordRef := obj([]string{"system", "id"}, map[string]any{"system": str, "id": str})
	colour := map[string]any{"type": "string", "enum": []string{"white", "yellow", "green", "red"}}
	return obj([]string{"id", "a", "b", "colour", "reason", "trigger", "verifier", "created", "updated", "decided"}, map[string]any{
		"id": map[string]any{"type": "string", "description": "the single identification number, MID- and 16 hexadecimal digits"},
		"a":  recordRef, "b": recordRef, "colour": colour, "reason": str, "trigger": recordRef,
		"verifier": obj([]string{"kind"}, map[string]any{"kind": str, "state": str}),
		"evidence": obj(nil, map[string]any{"biometric": str, "modality": str, "score": number, "identity": str, "name": number, "document": boolean, "coincidences": number}),
		"created":  when, "updated": when, "decided": boolean,
		"history": map[string]any{"type": "array", "items": obj([]string{"colour", "reason", "at"},
			map[string]any{"colour": colour, "reason": str, "authority": str, "user": str, "at": when})},
	})
}

// recordSchema describes identity.Record.
func recordSchema() map[string]any {
	name := obj([]string{"surname"}, map[string]any{"surname": str, "given_names": str})
	owner := obj([]string{"authority", "country"}, map[string]any{"authority": str, "country": str})
	owner["description"] = "the authority that created the record and its Member State, set by secunion (a body may leave it out); only it replaces or erases the record"
	return obj([]string{"system", "id"}, map[string]any{
		"system": map[string]any{"type": "string", "enum": identity.Systems},
		"id":     map[string]any{"type": "string", "maxLength": 64},
		"person": obj([]string{"surname"}, map[string]any{"surname": str, "given_names": str,
			"birth_date": map[string]any{"type": "string", "description": "YYYY-MM-DD, YYYY-MM or YYYY"},
			"sex":        map[string]any{"type": "string", "enum": []string{"M", "F", "X"}}, "nationalities": strs, "place_of_birth": str,
			"aliases": map[string]any{"type": "array", "items": name}}),
		"documents": map[string]any{"type": "array", "items": obj([]string{"type", "number", "issuing_country"},
			map[string]any{"type": str, "number": str, "issuing_country": str, "expiry": map[string]any{"type": "string", "format": "date"}})},
		"biometrics": strs,
		"sis":        obj([]string{"category", "issuing_state"}, map[string]any{"category": str, "issuing_state": str, "action": str}),
		"vis":        obj([]string{"application_number", "status", "issuing_state"}, map[string]any{"application_number": str, "status": str, "issuing_state": str, "valid_until": str}),
		"ees": obj([]string{"crossings", "overstay"}, map[string]any{"overstay": boolean, "crossings": map[string]any{"type": "array", "items": obj([]string{"kind", "date", "state"},
			map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"entry", "exit", "refusal"}}, "date": str, "state": str, "border_point": str})}}),
		"etias":   obj([]string{"number", "status"}, map[string]any{"number": str, "status": str}),
		"eurodac": obj([]string{"category", "origin_state"}, map[string]any{"category": str, "origin_state": str, "reference": str}),
		"ecris":   obj([]string{"convicting_states"}, map[string]any{"convicting_states": strs}),
		"europol": obj([]string{"role", "crime"}, map[string]any{"role": str, "crime": str}),
		"sltd":    obj([]string{"status", "reporting_country"}, map[string]any{"status": str, "reporting_country": str}),
		"owner":   owner,
		"updated": when,
	})
}

// providerSchema describes removal.Provider as shown.
func providerSchema() map[string]any {
	return obj([]string{"code", "name", "state", "contact"}, map[string]any{"code": str, "name": str, "state": str,
		"legal_representative": str, "outside_union": boolean,
		"contact": obj(nil, map[string]any{"webhook": str, "phone": str})})
}

// removalInputSchema describes the issuer's fields of a removal order
// (Annex I).
func removalInputSchema() map[string]any {
	cats := make([]string, len(removal.Categories))
	for i, c := range removal.Categories {
		cats[i] = string(c)
	}
	return obj([]string{"reference", "provider", "items", "category", "reasons", "redress"}, map[string]any{
		"reference":               map[string]any{"type": "string", "maxLength": 64, "description": "the issuer's reference number, unique per issuer"},
		"provider":                map[string]any{"type": "string", "description": "the addressee: a registered provider's code"},
		"items":                   itemsSchema(),
		"category":                map[string]any{"type": "string", "enum": cats, "description": "the kind of terrorist content, Art 2(7)(a)–(e)"},
		"reasons":                 map[string]any{"type": "string", "minLength": 20, "description": "statement of reasons"},
		"redress":                 map[string]any{"type": "string", "description": "information on redress"},
		"delay_notice":            map[string]any{"type": "boolean", "description": "delay telling the content provider six weeks (Art 11(3))"},
		"emergency":               map[string]any{"type": "boolean", "description": "a first order without procedure information 12 hours before (Art 3(2))"},
		"emergency_justification": str,
	})
}

// removalOrderSchema describes removal.Order.
func removalOrderSchema() map[string]any {
	states := make([]string, len(removal.States))
	for i, st := range removal.States {
		states[i] = string(st)
	}
	o := removalInputSchema()
	props := maps.Clone(o["properties"].(map[string]any))
	for _, k := range []string{"id", "issuer", "issuer_state", "contact_point", "provider_state", "obstacle", "explanation", "requested_by"} {
		props[k] = str
	}
	for _, k := range []string{"issued", "sent", "received", "started", "deadline", "warned", "breached", "answered", "removed_at", "informed", "reinstated", "notice_from", "preserve_until"} {
		props[k] = when
	}
	props["erased"] = map[string]any{"type": "string", "format": "date-time", "description": "when preservation ended and the items, reasons and texts about the content were deleted (Art 6(2))"}
	props["erased_items"] = map[string]any{"type": "integer", "description": "how many items the order named before its erasure"}
	props["state"] = map[string]any{"type": "string", "enum": states}
	props["notice_delay_renewed"] = boolean
	props["scrutiny"] = obj(nil, map[string]any{"requested": when, "requested_by": str, "due": when, "decided": when, "decided_by": str, "infringement": boolean, "reasons": str})
	return obj([]string{"id", "reference", "issuer", "provider", "items", "category", "state", "issued"}, props)
}

// stepActions are the actions a party may send: all but the node's own.
func stepActions() []string {
	var out []string
	for _, a := range removal.Actions {
		switch a {
		case removal.Deliver, removal.Push, removal.Warn, removal.Breach, removal.Erase:
			continue
		}
		out = append(out, string(a))
	}
	return out
}

// itemsSchema describes the URLs of an order, referral or threat report.
func itemsSchema() map[string]any {
	return map[string]any{"type": "array", "minItems": 1, "maxItems": removal.MaxItems, "items": obj([]string{"url"}, map[string]any{
		"url":     map[string]any{"type": "string", "format": "uri", "description": "exact http(s) URL of the content"},
		"locator": map[string]any{"type": "string", "maxLength": 500, "description": "further information locating the content"}})}
}

// figuresSchema describes a transparency report from its figures.
func figuresSchema(report any) map[string]any {
	props := map[string]any{}
	var required []string
	for _, row := range removal.Rows(report) {
		name, _, isMap := strings.Cut(row[0], ".")
		if isMap {
			continue
		}
		required = append(required, name)
		switch name {
		case "provider", "authority":
			props[name] = str
		case "median_minutes":
			props[name] = number
		default:
			props[name] = integer
		}
	}
	if _, ok := reflect.TypeOf(report).FieldByName("NotExecuted"); ok {
		props["not_executed"] = counts
		required = append(required, "not_executed")
	}
	return obj(required, props)
}
