package main

import (
	"context"
	"encoding/json"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
	"secunion/synth"
)

// demoHubObjects is how many synthetic STIX objects the demo's hub holds.
const demoHubObjects = 400

// seedDemoHub sets up the demo's alert-sharing hub: a sharing group of
// the demo's law-enforcement authorities (Police nationale and Europol),
// a collection they read and write, and a synthetic threat feed that
// Europol shared in it; and the Rapid Alert System (seedDemoRAS).
func seedDemoHub(ctx context.Context, db *store.DB) error {
	op := secunion.LocalOperator
	if _, err := db.PutAlertGroup(ctx, op, alerts.Group{Name: "law-enforcement", Description: "Police authorities and Europol",
		Members: []string{"FR-PN", "EU-EUROPOL"}}); err != nil {
		return err
	}
	c, err := db.PutAlertCollection(ctx, op, alerts.Collection{Title: "Serious crime and terrorism threats",
		Description: "Indicators, campaigns and reports shared between police authorities and Europol.",
		Readers:     "law-enforcement", Writers: "law-enforcement", DefaultTLP: alerts.TLPAmber})
	if err != nil {
		return err
	}
	europol := demoActor("EU-EUROPOL")
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := db.AlertView(ctx, europol, decl, c.ID)
	if err != nil {
		return err
	}
	var raws []json.RawMessage
	if err := synth.STIX(1, demoHubObjects, db.Clock().Now(), func(b json.RawMessage) error { raws = append(raws, b); return nil }); err != nil {
		return err
	}
	checked := alerts.Checker{Marking: db.MarkingHeld(ctx)}.Batch(raws)
	if _, err = db.AddAlertObjects(ctx, europol, decl, v, checked.Objects, checked.Failures); err != nil {
		return err
	}
	return seedDemoRAS(ctx, db)
}

// demoDISARM are a few techniques of the DISARM framework (DISARM
// Foundation, CC BY-SA 4.0), with the attack-pattern identifiers of its
// STIX bundle, so that the demo's contact points can raise an alert at
// once; import the whole framework with `secunion alerts import
// --collection ID --origin DE-AA DISARM.json`.
var demoDISARM = []struct{ uuid, id, name string }{
	{"0c765d19-99b2-4703-af48-e20a677c4bfc", "T0049", "Flood Information Space"},
	{"45dae307-ba74-4038-90ef-2282a32e38b9", "T0023", "Distort Facts"},
	{"8ea2fcce-e27e-4019-a773-70f3dddfab34", "T0085", "Develop Text-Based Content"},
	{"5f8a5d7e-fc17-48f2-a6fa-38fcf7843bdf", "T0086", "Develop Image-Based Content"},
}

// seedDemoRAS sets up the demo's Rapid Alert System: the contact points
// of Germany and France in a sharing group that reads and writes a
// collection, DISARM techniques in it, a narrative, and an open alert of
// Germany's that France has yet to acknowledge.
func seedDemoRAS(ctx context.Context, db *store.DB) error {
	op := secunion.LocalOperator
	if _, err := db.PutAlertGroup(ctx, op, alerts.Group{Name: "ras-contact-points", Description: "Contact points of the Rapid Alert System",
		Members: []string{"DE-AA", "FR-VIGINUM"}}); err != nil {
		return err
	}
	c, err := db.PutAlertCollection(ctx, op, alerts.Collection{Title: demoRASTitle,
		Description: "Daily information sharing and alerts on disinformation between the contact points of the Member States and institutions.",
		Readers:     "ras-contact-points", Writers: "ras-contact-points", DefaultTLP: alerts.TLPAmber})
	if err != nil {
		return err
	}
	de := demoActor("DE-AA")
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := db.AlertView(ctx, de, decl, c.ID)
	if err != nil {
		return err
	}
	created := alerts.FormatTime(db.Clock().Now())
	var raws []json.RawMessage
	for _, t := range demoDISARM {
		b, err := json.Marshal(map[string]any{"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--" + t.uuid,
			"created": "2024-11-22T16:43:58.079Z", "modified": "2024-11-22T16:43:58.079Z", "name": t.name, "object_marking_refs": []string{alerts.TLPMarkingID(alerts.TLPClear)},
			"external_references": []map[string]string{{"source_name": "DISARM", "external_id": t.id,
				"url": "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/" + t.id + ".md"}}})
		if err != nil {
			return err
		}
		raws = append(raws, b)
	}
	narrative, _ := json.Marshal(map[string]any{"type": "campaign", "spec_version": "2.1", "id": demoNarrative, "created": created, "modified": created,
		"name": "Postal votes close early", "description": "Forged notices claim that postal votes close a week before polling day.",
		"object_marking_refs": []string{alerts.TLPMarkingID(alerts.TLPGreen)}})
	checked := alerts.Checker{}.Batch(append(raws, narrative))
	if _, err := db.AddAlertObjects(ctx, de, decl, v, checked.Objects, checked.Failures); err != nil {
		return err
	}
	_, err = db.RaiseRASAlert(ctx, de, decl, c.ID, alerts.AlertInput{Title: "Forged postal-vote notices ahead of the elections",
		Description: "The same forged notice of an early postal-vote deadline circulates on three platforms.",
		Threshold:   alerts.Threshold, Justification: "Seen in Germany and France within a day, in both languages, pushed by the same accounts.",
		Techniques: []string{"T0049", "T0086"}, Narratives: []string{demoNarrative}}, alerts.Checker{})
	return err
}

// The demo's RAS collection and narrative.
const (
	demoRASTitle  = "Rapid Alert System"
	demoNarrative = "campaign--2f1d7c3e-8a4b-4e5f-9c6d-7b8a9e0f1a2b"
)
