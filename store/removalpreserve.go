package store

import (
	"encoding/json"

	"secunion"
	"secunion/removal"
)

// eraseRelated deletes, inside the transaction that erases order id's
// content reference, the texts about the content kept beside the order:
// the notes the parties wrote on its timeline (clarifications, Annex III
// explanations, reasons of scrutiny, reinstatement or withdrawal) and the
// text of the content provider's complaints with the provider's reasons.
// The steps, their times and parties, and the complaints' dates and
// outcomes stay for the transparency reports. It returns how many
// complaints it emptied.
func (t *Tx) eraseRelated(id string) (int, error) {
	rows, err := t.Query(`SELECT id, data FROM removal_events WHERE order_id = ?`, id)
	if err != nil {
		return 0, dbError(err, "read the timeline to erase")
	}
	notes := map[int64]removal.Event{}
	for rows.Next() {
		var key int64
		var data string
		var e removal.Event
		if err := rows.Scan(&key, &data); err != nil {
			rows.Close()
			return 0, dbError(err, "read the timeline to erase")
		}
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			rows.Close()
			return 0, secunion.Wrap(secunion.Internal, err, "a stored removal event is damaged")
		}
		if e.Party != removal.Node && e.Note != "" {
			e.Note = ""
			notes[key] = e
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbError(err, "read the timeline to erase")
	}
	for key, e := range notes {
		if _, err := t.Exec(`UPDATE removal_events SET data = ? WHERE id = ?`, mustJSON(e), key); err != nil {
			return 0, dbError(err, "erase timeline notes")
		}
	}
	if rows, err = t.Query(`SELECT data FROM removal_complaints WHERE order_id = ?`, id); err != nil {
		return 0, dbError(err, "read complaints to erase")
	}
	complaints, err := scanAll[removal.Complaint](rows, "complaint")
	if err != nil {
		return 0, err
	}
	for _, c := range complaints {
		c.Text, c.Reasons = "", ""
		if _, err := t.Exec(`UPDATE removal_complaints SET data = ? WHERE id = ?`, mustJSON(c), c.ID); err != nil {
			return 0, dbError(err, "erase complaint")
		}
	}
	return len(complaints), nil
}
