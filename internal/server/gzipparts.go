package server

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// A page whose bulk is the same for every reader at a data version (the
// dashboard's figures, the Relazione's body) is compressed once: that part
// is kept compressed with the figures it shows (keptPart), and each
// response is one gzip member assembled from the parts of its own,
// compressed as it is served, and the kept part, in page order
// (gzipMember).
//
// A gzip member (RFC 1952) is a header, one DEFLATE stream (RFC 1951) and
// the CRC-32 and size of the whole uncompressed content. A DEFLATE stream is
// a sequence of blocks, the last one marked final; a flate.Writer ended by
// Flush ends its blocks with an empty stored block, byte-aligned and not
// final (a sync flush), so the next part's blocks may follow it as they
// are. Each part is compressed by a writer of its own, starting empty: no
// back-reference crosses into another part. The last part ends with a
// final block. The CRC-32 of the whole is the parts' combined
// (crc32Combine, its operator for the kept part's length computed once),
// so the kept part's bytes are not read again per request.

// keptPart is a part of a page compressed once: its bytes (for clients
// that do not take gzip), their DEFLATE blocks ended by a sync flush (not
// final) and their CRC-32. It is shared read-only.
type keptPart struct {
	// raw is nil for a part kept packed (keepPacked): Raw inflates it.
	raw      []byte
	size     int
	deflated []byte
	crc      uint32
	// shift advances a CRC-32 over len(raw) zero bytes, a linear map
	// (crc32Combine's) computed once: the CRC-32 of A followed by raw is
	// gf2Times(&shift, crc(A)) ^ crc.
	shift [32]uint32
}

// keepPart compresses raw once, at level, for pages that show it to many.
func keepPart(raw []byte, level int) (*keptPart, error) {
	var buf bytes.Buffer
	if err := deflateTo(&buf, raw, level, false); err != nil {
		return nil, err
	}
	p := &keptPart{raw: raw, size: len(raw), deflated: bytes.Clone(buf.Bytes()), crc: crc32.ChecksumIEEE(raw)}
	for i := range p.shift {
		p.shift[i] = crc32Combine(1<<i, 0, int64(len(raw)))
	}
	return p, nil
}

// keepPacked is keepPart for a part kept for many keys (a page per role
// and period): only its compressed bytes are kept, a few times smaller;
// the rare client that takes no gzip gets them inflated (Raw).
func keepPacked(raw []byte, level int) (*keptPart, error) {
	p, err := keepPart(raw, level)
	if err != nil {
		return nil, err
	}
	p.raw = nil
	return p, nil
}

// Size is the length of the part uncompressed.
func (p *keptPart) Size() int { return p.size }

// Raw is the part uncompressed: as kept, or inflated from its DEFLATE
// blocks (ended here by an empty final block) when kept packed.
func (p *keptPart) Raw() ([]byte, error) {
	if p.raw != nil || p.size == 0 {
		return p.raw, nil
	}
	r := flate.NewReader(io.MultiReader(bytes.NewReader(p.deflated), bytes.NewReader(finalEmptyBlock)))
	defer r.Close()
	out := make([]byte, 0, p.size)
	buf := bytes.NewBuffer(out)
	if _, err := io.Copy(buf, r); err != nil {
		return nil, err
	}
	if buf.Len() != p.size {
		return nil, fmt.Errorf("kept part: %d bytes inflated, %d kept", buf.Len(), p.size)
	}
	return buf.Bytes(), nil
}

// gzipHeader is a gzip member's header: deflate, no flags, no time, no
// extra flags, unknown OS (as compress/gzip writes it).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// finalEmptyBlock is an empty DEFLATE block marked final (fixed Huffman:
// BFINAL 1, BTYPE 01, then the end-of-block code 0000000), for a member
// whose last part is a kept one.
var finalEmptyBlock = []byte{0x03, 0x00}

// gzipMember assembles one gzip member from parts in page order: Own for
// a part compressed now, Kept for a kept one, then Close. The zero value
// is not usable: newGzipMember.
type gzipMember struct {
	buf   *bytes.Buffer
	level int // of the parts compressed now
	crc   uint32
	size  int64
	final bool
}

// newGzipMember starts a member whose own parts are compressed at level.
func newGzipMember(level int, sizeHint int) *gzipMember {
	m := &gzipMember{buf: bytes.NewBuffer(make([]byte, 0, sizeHint)), level: level}
	m.buf.Write(gzipHeader)
	return m
}

// Own compresses p as the next part; last marks it the member's last
// (its blocks end with a final one).
func (m *gzipMember) Own(p []byte, last bool) error {
	if m.final {
		return fmt.Errorf("gzip member: a part after the last")
	}
	if err := deflateTo(m.buf, p, m.level, last); err != nil {
		return err
	}
	m.crc = crc32.Update(m.crc, crc32.IEEETable, p)
	m.size += int64(len(p))
	m.final = last
	return nil
}

// Kept appends the kept part p as the next part.
func (m *gzipMember) Kept(p *keptPart) error {
	if m.final {
		return fmt.Errorf("gzip member: a part after the last")
	}
	m.buf.Write(p.deflated)
	m.crc = gf2Times(&p.shift, m.crc) ^ p.crc
	m.size += int64(p.size)
	return nil
}

// Close ends the member (with an empty final block if no part was the
// last) and returns it: header, DEFLATE stream, CRC-32, size mod 2^32.
func (m *gzipMember) Close() []byte {
	if !m.final {
		m.buf.Write(finalEmptyBlock)
		m.final = true
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], m.crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(m.size))
	m.buf.Write(trailer[:])
	return m.buf.Bytes()
}

// deflaters are flate writers by level (flate.HuffmanOnly -2 to
// flate.BestCompression 9), reused: one allocates hundreds of kilobytes.
// Each writes to its sink, which points at the buffer of the part being
// compressed only while it is (a pooled writer keeps no page alive).
var deflaters [12]sync.Pool

type pooledDeflater struct {
	zw   *flate.Writer
	sink sink
}

type sink struct{ w io.Writer }

func (s *sink) Write(p []byte) (int, error) { return s.w.Write(p) }

// deflateTo compresses p into dst with a writer of its own, starting
// empty; its blocks end with a sync flush, or with a final block when last.
func deflateTo(dst *bytes.Buffer, p []byte, level int, last bool) error {
	if level < flate.HuffmanOnly || level > flate.BestCompression {
		return fmt.Errorf("flate: invalid compression level %d", level)
	}
	pool := &deflaters[level-flate.HuffmanOnly]
	d, _ := pool.Get().(*pooledDeflater)
	if d == nil {
		d = &pooledDeflater{}
		var err error
		if d.zw, err = flate.NewWriter(&d.sink, level); err != nil {
			return err
		}
	} else {
		d.zw.Reset(&d.sink)
	}
	d.sink.w = dst
	defer func() {
		d.sink.w = nil
		pool.Put(d)
	}()
	if _, err := d.zw.Write(p); err != nil {
		return err
	}
	if last {
		return d.zw.Close()
	}
	return d.zw.Flush()
}

// crc32Combine is the CRC-32 (IEEE) of A followed by B, from crcA, crcB
// and the length of B (zlib's crc32_combine): crcA advanced over lenB zero
// bytes by squaring the one-zero-bit operator, then xored with crcB. About
// 20 µs for megabytes, whatever lenB.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	// Apply lenB zero bytes to crcA: the first square below is one byte.
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
