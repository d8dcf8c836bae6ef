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
// Europol shared in it.
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
	_, err = db.AddAlertObjects(ctx, europol, decl, v, checked.Objects, checked.Failures)
	return err
}
