package synth

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// STIX generates n STIX 2.1 objects of a threat-sharing feed with a fixed
// seed, in the proportions a CSIRT's feed has them: indicators on IPv4
// addresses, domains, URLs and file hashes (half of all objects), the
// observables they were seen as, relationships from indicators to
// malware and campaigns, sightings, notes and, now and then, a report
// that names what came before it. Every object is marked TLP:CLEAR,
// GREEN or AMBER. Values are drawn from the documentation ranges
// (198.51.100.0/24 and wider blocks, .example domains) so no real host
// is named; identifiers are derived from the seed, so a run is
// repeatable. fn receives each object's JSON.
func STIX(seed uint64, n int, created time.Time, fn func(json.RawMessage) error) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	tlps := []string{
		"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
		"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
		"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	}
	id := func(typ string) string {
		return fmt.Sprintf("%s--%08x-%04x-4%03x-%04x-%012x", typ, r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, 0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
	}
	author := id("identity")
	var malware, campaigns, recent []string
	emit := func(o map[string]any) error {
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		return fn(b)
	}
	base := func(typ string, i int) map[string]any {
		at := created.Add(time.Duration(i) * time.Second).UTC().Format("2006-01-02T15:04:05.000Z")
		return map[string]any{"type": typ, "spec_version": "2.1", "id": id(typ), "created": at, "modified": at,
			"created_by_ref": author, "object_marking_refs": []string{tlps[r.IntN(len(tlps))]}}
	}
	value := func() (string, string, string) {
		switch r.IntN(4) {
		case 0:
			ip := fmt.Sprintf("%d.%d.%d.%d", 198, 18+r.IntN(2), r.IntN(256), 1+r.IntN(254))
			return "ipv4-addr", "value", ip
		case 1:
			return "domain-name", "value", fmt.Sprintf("%s-%d.example", words[r.IntN(len(words))], r.IntN(1_000_000))
		case 2:
			return "url", "value", fmt.Sprintf("https://%s-%d.example/%s/%d", words[r.IntN(len(words))], r.IntN(100_000), words[r.IntN(len(words))], r.IntN(1000))
		}
		return "file", "hashes.'SHA-256'", fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64())
	}
	for i := 0; i < n; i++ {
		var o map[string]any
		switch k := r.IntN(100); {
		case i == 0:
			o = map[string]any{"type": "identity", "spec_version": "2.1", "id": author, "created": created.UTC().Format("2006-01-02T15:04:05.000Z"),
				"modified": created.UTC().Format("2006-01-02T15:04:05.000Z"), "name": "Synthetic CSIRT", "identity_class": "organization"}
		case len(malware) < 50 && k < 3:
			o = base("malware", i)
			o["name"], o["is_family"] = fmt.Sprintf("%s loader %d", words[r.IntN(len(words))], len(malware)), true
			malware = append(malware, o["id"].(string))
		case len(campaigns) < 50 && k < 5:
			o = base("campaign", i)
			o["name"] = fmt.Sprintf("Operation %s %d", words[r.IntN(len(words))], len(campaigns))
			campaigns = append(campaigns, o["id"].(string))
		case k < 55:
			o = base("indicator", i)
			typ, path, v := value()
			o["name"], o["pattern"], o["pattern_type"] = typ+" "+v, fmt.Sprintf("[%s:%s = '%s']", typ, path, v), "stix"
			o["valid_from"], o["indicator_types"] = o["created"], []string{"malicious-activity"}
		case k < 75:
			typ, _, v := value()
			o = map[string]any{"type": typ, "spec_version": "2.1", "id": id(typ), "object_marking_refs": []string{tlps[r.IntN(len(tlps))]}}
			if typ == "file" {
				o["hashes"] = map[string]string{"SHA-256": v}
			} else {
				o["value"] = v
			}
		case k < 88 && len(recent) > 0 && len(malware)+len(campaigns) > 0:
			o = base("relationship", i)
			targets := append(append([]string{}, malware...), campaigns...)
			o["relationship_type"], o["source_ref"], o["target_ref"] = "indicates", recent[r.IntN(len(recent))], targets[r.IntN(len(targets))]
		case k < 94 && len(recent) > 0:
			o = base("sighting", i)
			o["sighting_of_ref"], o["count"] = recent[r.IntN(len(recent))], 1+r.IntN(20)
		case k < 98 && len(recent) > 0:
			o = base("note", i)
			o["content"], o["object_refs"] = "Seen in a phishing wave against public administrations.", []string{recent[r.IntN(len(recent))]}
		case len(recent) > 0:
			o = base("report", i)
			o["name"], o["published"], o["object_refs"] = fmt.Sprintf("Weekly threat report %d", i), o["created"], append([]string{}, recent...)
			o["report_types"] = []string{"threat-report"}
		default:
			i--
			continue
		}
		if t, _ := o["type"].(string); t == "indicator" {
			if recent = append(recent, o["id"].(string)); len(recent) > 20 {
				recent = recent[1:]
			}
		}
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}

var words = []string{"amber", "basalt", "cobalt", "delta", "ember", "fjord", "granite", "harbour", "indigo", "juniper",
	"kestrel", "lagoon", "meridian", "nimbus", "onyx", "pylon", "quartz", "raven", "sierra", "tundra"}
