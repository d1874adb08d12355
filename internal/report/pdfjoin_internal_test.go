package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// TestFixedID: the file identifier pdfcpu wrote (both halves, wherever
// they are) becomes the SHA-256 of the file with them blanked; the rest of
// the file is left as it was.
func TestFixedID(t *testing.T) {
	first, second := "0123456789ABCDEF0123456789ABCDEF", "FEDCBA9876543210FEDCBA9876543210"
	body := "%PDF-1.7\n1 0 obj\n<</Type /Catalog>>\nendobj\n"
	file := body + "trailer\n<</Size 2 /ID [<" + first + "><" + second + ">]>>\n%%EOF\n"
	ctx := &model.Context{XRefTable: &model.XRefTable{ID: types.Array{types.HexLiteral(first), types.HexLiteral(second)}}}
	blank := strings.Repeat("0", len(first))
	sum := sha256.Sum256([]byte(strings.NewReplacer(first, blank, second, blank).Replace(file)))
	want := strings.ToUpper(hex.EncodeToString(sum[:]))[:len(first)]
	got := string(fixedID([]byte(file), ctx))
	if exp := body + "trailer\n<</Size 2 /ID [<" + want + "><" + want + ">]>>\n%%EOF\n"; got != exp {
		t.Errorf("fixedID:\n%s\nwant\n%s", got, exp)
	}
	// The same identifier twice (a file never joined) is blanked once.
	same := body + "trailer\n<</ID [<" + first + "><" + first + ">]>>\n"
	ctx.ID = types.Array{types.HexLiteral(first), types.HexLiteral(first)}
	sum = sha256.Sum256([]byte(strings.ReplaceAll(same, first, blank)))
	want = strings.ToUpper(hex.EncodeToString(sum[:]))[:len(first)]
	if got := fixedID([]byte(same), ctx); !bytes.Equal(got, []byte(strings.ReplaceAll(same, first, want))) {
		t.Errorf("fixedID of one identifier twice: %s", got)
	}
}
