package server

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// pageOf is n bytes of page-like text (repetitive, with accents, so that
// back-references abound and would cross parts if anything let them).
func pageOf(rng *rand.Rand, n int) []byte {
	words := []string{"<td class=\"num\">", "56,2%", "obiettivo", "raggiunto", "attività", "</td>", "\n", "Più che",
		"<a href=\"/cicli/2023/obiettivi/", "\">", "sì", "no", "non rilevabile"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(7) == 0 {
			fmt.Fprintf(&b, "%d", rng.IntN(100000))
		}
	}
	return b.Bytes()[:n]
}

// gunzip decompresses one gzip member, failing on anything after it.
func gunzip(t *testing.T, z []byte) []byte {
	t.Helper()
	in := bytes.NewReader(z) // an io.ByteReader: gzip reads no further than the member
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("decompressing: %v", err)
	}
	if in.Len() != 0 {
		t.Fatalf("%d bytes after the member", in.Len())
	}
	return out
}

// TestGzipMember_Parts: pages assembled from parts compressed now and kept
// parts compressed once, at several levels, sizes (empty parts, one byte,
// more than a DEFLATE block) and orders (kept first, in the middle, last,
// two kept, nothing own), decompress with compress/gzip to exactly the
// page, as one member whose CRC-32 and size gzip checks.
func TestGzipMember_Parts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 2, 100, 65535, 65536, 200_000}
	type part struct {
		kept bool
		size int
	}
	layouts := [][]part{
		{{false, -1}, {true, -1}, {false, -1}}, // the dashboard and the Relazione: own, kept, own
		{{true, -1}, {false, -1}},
		{{false, -1}, {true, -1}},
		{{true, -1}},
		{{false, -1}},
		{{true, -1}, {true, -1}, {false, -1}, {true, -1}},
		{},
	}
	for _, level := range []int{flate.BestSpeed, flate.DefaultCompression, flate.BestCompression, flate.NoCompression, flate.HuffmanOnly} {
		for li, layout := range layouts {
			for _, size := range sizes {
				name := fmt.Sprintf("level %d, layout %d, size %d", level, li, size)
				m := newGzipMember(level, 0)
				var want bytes.Buffer
				for i, p := range layout {
					// The size varies around size from part to part.
					n := size
					if i%2 == 1 && size > 0 {
						n = size/2 + 1
					}
					b := pageOf(rng, n)
					want.Write(b)
					var err error
					if p.kept {
						var k *keptPart
						if k, err = keepPart(b, flate.BestCompression); err == nil {
							err = m.Kept(k)
						}
					} else {
						err = m.Own(b, i == len(layout)-1)
					}
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
				}
				z := m.Close()
				got := gunzip(t, z)
				if !bytes.Equal(got, want.Bytes()) {
					t.Fatalf("%s: decompressed %d bytes, not the page's %d", name, len(got), want.Len())
				}
				if want.Len() > 1000 && level > flate.NoCompression && len(z) > want.Len()/2 {
					t.Errorf("%s: %d bytes for %d: not compressed", name, len(z), want.Len())
				}
			}
		}
	}
}

// TestGzipMember_Corruption: gzip notices a wrong CRC-32 or size, so the
// test above checks them (a member with a kept part's CRC left out fails).
func TestGzipMember_Corruption(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	k, err := keepPart(pageOf(rng, 5000), flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	m := newGzipMember(flate.BestSpeed, 0)
	m.Own(pageOf(rng, 300), false)
	m.Kept(k)
	m.Own(pageOf(rng, 300), true)
	z := m.Close()
	for _, at := range []int{len(z) - 8, len(z) - 1} { // the CRC-32, the size
		bad := bytes.Clone(z)
		bad[at] ^= 1
		zr, err := gzip.NewReader(bytes.NewReader(bad))
		if err == nil {
			_, err = io.ReadAll(zr)
		}
		if err == nil {
			t.Errorf("a member with byte %d of %d changed decompresses without error", at, len(z))
		}
	}
}

// TestGzipMember_NothingAfterTheLast: a part after the last one is refused.
func TestGzipMember_NothingAfterTheLast(t *testing.T) {
	m := newGzipMember(flate.BestSpeed, 0)
	if err := m.Own([]byte("a"), true); err != nil {
		t.Fatal(err)
	}
	if err := m.Own([]byte("b"), false); err == nil {
		t.Error("an own part after the last is accepted")
	}
	k, _ := keepPart([]byte("c"), flate.BestSpeed)
	if err := m.Kept(k); err == nil {
		t.Error("a kept part after the last is accepted")
	}
	if got := gunzip(t, m.Close()); string(got) != "a" {
		t.Errorf("got %q", got)
	}
}

// TestCRC32Combine: the combined CRC-32 of two pieces is the CRC-32 of
// their concatenation, for lengths from 0 to megabytes.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, la := range []int{0, 1, 3, 1000} {
		for _, lb := range []int{0, 1, 2, 7, 8, 255, 4096, 1 << 20, 3_900_001} {
			a, b := make([]byte, la), make([]byte, lb)
			for i := range a {
				a[i] = byte(rng.Uint32())
			}
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			want := crc32.ChecksumIEEE(append(bytes.Clone(a), b...))
			if got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(lb)); got != want {
				t.Errorf("lengths %d and %d: %08x, want %08x", la, lb, got, want)
			}
		}
	}
}

// TestKeepPart_InvalidLevel: a level flate does not know is an error, not
// a panic.
func TestKeepPart_InvalidLevel(t *testing.T) {
	if _, err := keepPart([]byte("x"), 10); err == nil || !strings.Contains(err.Error(), "level") {
		t.Errorf("level 10: %v", err)
	}
}
