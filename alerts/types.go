package alerts

import (
	"fmt"
	"slices"
	"strings"
)

// Class is the class of a STIX object type.
type Class int

// The classes of STIX 2.1 types.
const (
	Unknown Class = iota
	SDO           // domain objects: indicator, report, threat-actor, …
	SRO           // relationship objects: relationship, sighting
	SCO           // cyber-observable objects: ipv4-addr, file, url, …
	Meta          // marking-definition, language-content, extension-definition
	Custom        // custom types, named x-…
)

// The STIX 2.1 types by class (STIX 2.1 §4 to §7).
var (
	SDOTypes = []string{"attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident",
		"indicator", "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note",
		"observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability"}
	SROTypes = []string{"relationship", "sighting"}
	SCOTypes = []string{"artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
		"file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software", "url",
		"user-account", "windows-registry-key", "x509-certificate"}
	MetaTypes = []string{"marking-definition", "language-content", "extension-definition"}
)

// ClassOf returns the class of a type name.
func ClassOf(typ string) Class {
	switch {
	case slices.Contains(SDOTypes, typ):
		return SDO
	case slices.Contains(SROTypes, typ):
		return SRO
	case slices.Contains(SCOTypes, typ):
		return SCO
	case slices.Contains(MetaTypes, typ):
		return Meta
	case strings.HasPrefix(typ, "x-"):
		return Custom
	}
	return Unknown
}

// A target says what an identifier property may name: object types, or
// whole classes.
type target struct {
	types   []string
	classes []Class
}

func (t target) allows(typ string) bool {
	return slices.Contains(t.types, typ) || slices.Contains(t.classes, ClassOf(typ))
}

func (t target) String() string {
	var names []string
	for _, c := range t.classes {
		names = append(names, [...]string{"", "domain object", "relationship", "cyber-observable", "meta object", "custom object"}[c])
	}
	return strings.Join(append(names, t.types...), ", ")
}

func types(t ...string) target  { return target{types: t} }
func classes(c ...Class) target { return target{classes: c} }
func anyObject() target         { return classes(SDO, SRO, SCO, Meta, Custom) }
func addresses() target         { return types("ipv4-addr", "ipv6-addr", "mac-addr", "domain-name") }
func softwareOnly() target      { return types("software") }
func emailAddrs() target        { return types("email-addr") }
func fileOrArtifact() target    { return types("file", "artifact") }
func withTypes(t target, more ...string) target {
	t.types = append(slices.Clone(t.types), more...)
	return t
}

// refTargets lists, per object type, the identifier properties that STIX
// 2.1 restricts to some types, which the OASIS schemas check only by
// pattern where at all. Properties not listed (report.object_refs, …) may
// name any object. Keys "*" apply to every type.
var refTargets = map[string]map[string]target{
	"*":            {"created_by_ref": types("identity"), "object_marking_refs": types("marking-definition")},
	"relationship": {"source_ref": classes(SDO, SCO, Custom), "target_ref": classes(SDO, SCO, Custom)},
	"sighting": {"sighting_of_ref": classes(SDO, Custom), "observed_data_refs": types("observed-data"),
		"where_sighted_refs": types("identity", "location")},
	"observed-data": {"object_refs": classes(SCO, SRO, Custom)},
	"malware":       {"operating_system_refs": softwareOnly(), "sample_refs": fileOrArtifact()},
	"malware-analysis": {"host_vm_ref": softwareOnly(), "operating_system_ref": softwareOnly(),
		"installed_software_refs": softwareOnly(), "analysis_sco_refs": classes(SCO),
		"sample_ref": withTypes(fileOrArtifact(), "network-traffic")},
	"domain-name":   {"resolves_to_refs": types("ipv4-addr", "ipv6-addr", "domain-name")},
	"ipv4-addr":     {"resolves_to_refs": types("mac-addr"), "belongs_to_refs": types("autonomous-system")},
	"ipv6-addr":     {"resolves_to_refs": types("mac-addr"), "belongs_to_refs": types("autonomous-system")},
	"email-addr":    {"belongs_to_ref": types("user-account")},
	"email-message": {"from_ref": emailAddrs(), "sender_ref": emailAddrs(), "to_refs": emailAddrs(), "cc_refs": emailAddrs(), "bcc_refs": emailAddrs(), "raw_email_ref": types("artifact")},
	"file":          {"parent_directory_ref": types("directory"), "content_ref": types("artifact"), "contains_refs": classes(SCO, Custom)},
	"directory":     {"contains_refs": types("file", "directory")},
	"network-traffic": {"src_ref": addresses(), "dst_ref": addresses(), "src_payload_ref": types("artifact"),
		"dst_payload_ref": types("artifact"), "encapsulates_refs": types("network-traffic"), "encapsulated_by_ref": types("network-traffic")},
	"process": {"opened_connection_refs": types("network-traffic"), "creator_user_ref": types("user-account"),
		"image_ref": types("file"), "parent_ref": types("process"), "child_refs": types("process")},
	"windows-registry-key": {"creator_user_ref": types("user-account")},
	"language-content":     {"object_ref": anyObject()},
}

// checkRefTargets checks that each identifier property of o that STIX
// restricts names an object of a type it allows.
func checkRefTargets(o Object) error {
	for _, table := range []map[string]target{refTargets["*"], refTargets[o.Type]} {
		for name, t := range table {
			v, ok := o.Props[name]
			if !ok {
				continue
			}
			ids, isList := v.([]any)
			if !isList {
				ids = []any{v}
			}
			for i, x := range ids {
				field := name
				if isList {
					field = fmt.Sprintf("%s[%d]", name, i)
				}
				id, _ := x.(string)
				if err := checkID(field, id); err != nil {
					return err
				}
				if typ := IDType(id); !t.allows(typ) {
					return invalidf(field, "names a %s; it must name a %s", typ, t)
				}
			}
		}
	}
	return nil
}
