// Package mrz parses and builds the machine-readable zones (MRZ) of ICAO
// Doc 9303 travel documents (DOMAIN.md §3): TD1 cards of three lines of 30
// characters (Part 5), TD2 cards of two lines of 36 (Part 6), TD3 passports
// of two lines of 44 (Part 4), and the MRV-A and MRV-B visas of two lines of
// 44 and 36 (Part 7), with the character set, check digits, dates, names and
// country codes of Part 3.
//
// Parsing is strict: every check digit is verified and every field is
// validated, and an error is a *FieldError that names the line, the position
// and the field at fault. Build writes the MRZ of a document; whatever Parse
// accepts, Build writes back character for character, with one exception
// Part 4 forces: an empty TD3 personal number may carry the check digit '0'
// or '<', and Build writes '<'.
//
// No well-kept MRZ library was found in Go's ecosystem (the maintained ones
// are in Rust, Python and JavaScript), so this package is written here.
package mrz

// Format is the layout of a machine-readable zone.
type Format string

// The formats of Doc 9303.
const (
	TD1  Format = "TD1"  // identity cards: 3 lines of 30 (Part 5)
	TD2  Format = "TD2"  // cards: 2 lines of 36 (Part 6)
	TD3  Format = "TD3"  // passports: 2 lines of 44 (Part 4)
	MRVA Format = "MRVA" // visas of passport size: 2 lines of 44 (Part 7)
	MRVB Format = "MRVB" // smaller visas: 2 lines of 36 (Part 7)
)

// shape returns the number of lines and their width, or ok false for an
// unknown format.
func (f Format) shape() (lines, width int, ok bool) {
	switch f {
	case TD1:
		return 3, 30, true
	case TD2, MRVB:
		return 2, 36, true
	case TD3, MRVA:
		return 2, 44, true
	}
	return 0, 0, false
}

// Document is what a machine-readable zone says. Text fields hold MRZ
// characters without their trailing fillers; a filler inside a name is
// shown as a space.
type Document struct {
	Format       Format `json:"format"`
	DocumentCode string `json:"documentCode"` // "P", "I", "ID", "V", "AC", ...: 1 or 2 letters, the first fixed by the format
	IssuingState string `json:"issuingState"` // ICAO 9303 code: ISO 3166-1 alpha-3, "D" for Germany, or an ICAO-specific code
	Surname      string `json:"surname"`      // primary identifier
	GivenNames   string `json:"givenNames"`   // secondary identifiers, separated by spaces
	// NameTruncated reports that the name fills its field to the last
	// position, which is how Doc 9303 Part 3 marks a name that may have been
	// cut to fit. Build ignores it on input.
	NameTruncated  bool     `json:"nameTruncated"`
	DocumentNumber string   `json:"documentNumber"` // whole number, including the TD1/TD2 overflow into the optional data
	Nationality    string   `json:"nationality"`
	BirthDate      Date     `json:"birthDate"`
	Sex            string   `json:"sex"` // "M", "F" or "X" (unspecified; '<' in the MRZ)
	ExpiryDate     Date     `json:"expiryDate"`
	PersonalNumber string   `json:"personalNumber,omitempty"` // TD3 only: optional data with its own check digit
	OptionalData1  string   `json:"optionalData1,omitempty"`  // TD1 line 1, TD2, MRV-A and MRV-B (after any document number overflow)
	OptionalData2  string   `json:"optionalData2,omitempty"`  // TD1 line 2
	Lines          []string `json:"lines"`                    // the MRZ as read; Build ignores it
}
