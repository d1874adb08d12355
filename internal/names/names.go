// Package names makes the names people type comparable: a centre, a user,
// an objective or an indicator is told apart from another by what a reader
// sees, not by invisible code points.
//
// Clean is the one rule, applied where a name enters the application (the
// forms, and the store, which the JSON and workbook imports write through):
//
//   - Unicode NFC, so that "è" typed as e + U+0300 and "è" as one code
//     point are the same name;
//   - no format characters (Unicode category Cf): zero-width spaces and
//     joiners (U+200B..U+200D, U+2060, U+FEFF), the direction marks and
//     the bidirectional embeddings, overrides and isolates (U+200E, U+200F,
//     U+202A..U+202E, U+2066..U+2069), the soft hyphen; they are removed,
//     since they show nothing (or reorder what is shown, as U+202E does);
//   - no control characters; every run of white space (any Unicode space)
//     becomes one space, and none at either end.
package names

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Clean is s as a name: NFC, without format or control characters, its
// spaces collapsed and trimmed.
func Clean(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	// Removing a character can join a base letter to a combining mark.
	return norm.NFC.String(b.String())
}

// Email is an e-mail address as the application compares and keeps it:
// Clean, in lower case (a space left inside is for the address's check to
// refuse).
func Email(s string) string {
	return strings.ToLower(Clean(s))
}
