package report

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Documents makes the report's heavy documents for a server: the PDF
// (Chromium) and the DOCX and ODT (pandoc). Each of those takes a core and
// hundreds of megabytes for a while, so they are made by a bounded queue:
//
//   - Slots. At most Shared + Reserved tools run at once. The Reserved
//     slots are for the priority lane only: the director, the Nucleo and
//     the validation's freezing of the PDF; every other reader (managers,
//     observers, administrators) waits for a Shared slot, which the
//     priority lane may take too. So however many large exports the other
//     roles ask for, a request of the priority lane waits at most for
//     another one of its own lane.
//   - Identical requests share one production: the document is keyed by
//     its format and the SHA-256 of the HTML it is made from (which holds
//     everything that changes its bytes: the cycle at its data version, the
//     texts, the variations, the validation, the period the figures are
//     at). A request of the priority lane joining a production of the
//     shared lane lifts it to its lane.
//   - Finished documents are kept, by the same key, in a small cache
//     bounded by count and bytes, the least recently used going first: an
//     unchanged report is made once.
//   - A request waits at most MaxWait (queue and production together) and
//     then gets ErrBusy (the server answers 503 with Retry-After), never a
//     hang past the server's write timeout. A production under way goes on
//     without the request (within its tool's limits) and lands in the
//     cache, so asking again later gets it; one still queued when the last
//     request for it has left is dropped. At most MaxQueued productions
//     wait for a slot: beyond that, ErrBusy at once.
//   - Each tool runs within Limits (time, memory): past them it is stopped,
//     and the request gets ErrTooLarge. Besides its slot, a tool takes its
//     memory limit from a budget (Memory): two tools of the usual limits
//     fit in it together; a PDF of the priority lane too large for the
//     usual limit is printed again within LargeChromiumMemory, which takes
//     the whole budget: it runs alone, after the tools under way, before
//     any tool asked for later (the budget is first come, first served).
//     So a report of any size prints for the director, the Nucleo and the
//     validation, and the tools never hold more than the budget.
type Documents struct {
	cfg      DocumentsConfig
	shared   chan struct{}
	reserved chan struct{}
	memory   *semaphore.Weighted

	mu      sync.Mutex
	jobs    map[docKey]*job
	queued  int
	running int
	cache   docCache
}

// DocumentsConfig sizes Documents; the zero value of a field takes its
// default (DefaultDocuments).
type DocumentsConfig struct {
	Shared, Reserved int           // slots (default 1 and 1)
	MaxWait          time.Duration // a request's longest wait (default 90 s)
	MaxQueued        int           // productions waiting for a slot (default 8)
	CacheEntries     int           // finished documents kept (default 16)
	CacheBytes       int64         // their bytes together (default 256 MiB)
	Limits           Limits        // of each tool (default DefaultLimits)
	// Memory is the tools' memory budget, in bytes: what the tools running
	// at once may hold together (default 1,600 MiB, LargeChromiumMemory).
	Memory int64
	// RetryAfter is what ErrBusy tells to wait (default 60 s).
	RetryAfter time.Duration
	// Context is what the productions run under (they belong to no
	// request): done, it stops them (default context.Background()).
	Context context.Context
	// Built, when set, is told of every production that ran, as it ends:
	// its format (pdf, docx, odt), how long it took (its slot's wait
	// excluded) and its error (for the metrics).
	Built func(format string, took time.Duration, err error)
}

// NewDocuments returns Documents sized by cfg.
func NewDocuments(cfg DocumentsConfig) *Documents {
	def := DefaultLimits()
	if cfg.Shared <= 0 {
		cfg.Shared = 1
	}
	if cfg.Reserved <= 0 {
		cfg.Reserved = 1
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 90 * time.Second
	}
	if cfg.MaxQueued <= 0 {
		cfg.MaxQueued = 8
	}
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = 16
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 256 << 20
	}
	if cfg.Limits.Time <= 0 {
		cfg.Limits.Time = def.Time
	}
	if cfg.Limits.ChromiumMemory <= 0 {
		cfg.Limits.ChromiumMemory = def.ChromiumMemory
	}
	if cfg.Limits.PandocHeap <= 0 {
		cfg.Limits.PandocHeap = def.PandocHeap
	}
	if cfg.Limits.LargeChromiumMemory <= 0 {
		cfg.Limits.LargeChromiumMemory = def.LargeChromiumMemory
	}
	if cfg.Memory <= 0 {
		cfg.Memory = max(cfg.Limits.LargeChromiumMemory, cfg.Limits.ChromiumMemory+pandocResident(cfg.Limits.PandocHeap))
	}
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Minute
	}
	return &Documents{cfg: cfg, shared: make(chan struct{}, cfg.Shared), reserved: make(chan struct{}, cfg.Reserved),
		memory: semaphore.NewWeighted(cfg.Memory),
		jobs:   map[docKey]*job{}, cache: docCache{max: cfg.CacheEntries, maxBytes: cfg.CacheBytes, index: map[docKey]*list.Element{}}}
}

// Queue is what the queue holds now: the productions running and those
// waiting for a slot.
func (d *Documents) Queue() (running, waiting int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.running, d.queued
}

// Lane is the queue a request waits in.
type Lane int

const (
	// SharedLane is every reader's.
	SharedLane Lane = iota
	// PriorityLane is the director's, the Nucleo's and the validation's.
	PriorityLane
)

// BusyError is ErrBusy with how long to wait before asking again.
type BusyError struct{ RetryAfter time.Duration }

func (e *BusyError) Error() string {
	return fmt.Sprintf("report: documents busy, retry after %s", e.RetryAfter)
}

func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// ErrBusy is returned (as a *BusyError) when a document cannot be made
// within the wait.
var ErrBusy = errors.New("report: documents busy")

// PDF is the report m printed to PDF (see PDF), made in lane.
func (d *Documents) PDF(ctx context.Context, m *Model, lane Lane) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	if err := HTML(ctx, &doc, m, HTMLOptions{Paged: true}); err != nil {
		return nil, err
	}
	return d.producePDF(ctx, lane, doc.Bytes(), func(ctx context.Context, limits Limits) ([]byte, error) {
		return printPDF(ctx, path, jail(ctx, path), limits, m, doc.Bytes())
	})
}

// PrintHTML is the document pr printed to PDF whole, made in lane like
// the Relazione's (the same slots, cache and limits): keyed by its header,
// footer and HTML.
func (d *Documents) PrintHTML(ctx context.Context, pr Printable, lane Lane) ([]byte, error) {
	path, err := FindChromium()
	if err != nil {
		return nil, err
	}
	key := append([]byte(pr.Header+"\x00"+pr.Footer+"\x00"), pr.HTML...)
	return d.producePDF(ctx, lane, key, func(ctx context.Context, limits Limits) ([]byte, error) {
		return printWhole(ctx, path, jail(ctx, path), limits, pr)
	})
}

// producePDF makes a PDF keyed by input with print, within the usual
// limits (under the production's context, which print gets); one of the
// priority lane too large for them is printed again within the large one,
// alone.
func (d *Documents) producePDF(ctx context.Context, lane Lane, input []byte, print func(context.Context, Limits) ([]byte, error)) ([]byte, error) {
	return d.produce(ctx, lane, "pdf", input, func(ctx context.Context) ([]byte, error) {
		limits := d.cfg.Limits
		out, err := d.within(ctx, limits.ChromiumMemory, func() ([]byte, error) { return print(ctx, limits) })
		if !errors.Is(err, errOverMemory) || lane != PriorityLane || limits.LargeChromiumMemory <= limits.ChromiumMemory {
			return out, err
		}
		// Too large for the usual limit: the director's, the Nucleo's or
		// the validation's PDF is printed again within the large one,
		// alone.
		limits.ChromiumMemory = limits.LargeChromiumMemory
		return d.within(ctx, limits.ChromiumMemory, func() ([]byte, error) { return print(ctx, limits) })
	})
}

// within runs tool once size bytes of the tools' memory budget are free
// (all of it, when size is larger), and gives them back after.
func (d *Documents) within(ctx context.Context, size int64, tool func() ([]byte, error)) ([]byte, error) {
	size = min(size, d.cfg.Memory)
	if err := d.memory.Acquire(ctx, size); err != nil {
		return nil, err
	}
	defer d.memory.Release(size)
	return tool()
}

// pandocResident is what pandoc holds with a heap limit of heap: up to a
// third more.
func pandocResident(heap int64) int64 { return heap + heap/3 }

// Office is the report m written as format (DOCX or ODT, see Office),
// made in lane: keyed by the HTML with the chart's placeholder, the chart
// drawn when the document is made.
func (d *Documents) Office(ctx context.Context, m *Model, format string, lane Lane) ([]byte, error) {
	path, doc, err := officeInput(ctx, m, format)
	if err != nil {
		return nil, err
	}
	return d.produce(ctx, lane, format, doc, func(ctx context.Context) ([]byte, error) {
		// The chart first, by Chromium within its own limits, then pandoc
		// within its own: one tool at a time, each holding its memory.
		png, err := chartOf(ctx, m, func(draw func() ([]byte, error)) ([]byte, error) {
			return d.within(ctx, d.cfg.Limits.ChromiumMemory, draw)
		}, d.cfg.Limits)
		if err != nil {
			return nil, err
		}
		// pandoc's run for the package is the tool bounded here; the body,
		// written in this process, holds one centre's blocks at a time.
		return d.within(ctx, pandocResident(d.cfg.Limits.PandocHeap), func() ([]byte, error) {
			return writeOffice(ctx, path, format, m, png, d.cfg.Limits, &OfficeRun{})
		})
	})
}

func sumOf(input []byte) [sha256.Size]byte { return sha256.Sum256(input) }

type docKey struct {
	format string
	sum    [sha256.Size]byte
}

// job is one production: waiters requests wait for it; lifted is closed
// when a request of the priority lane joins it.
type job struct {
	priority bool
	lifted   chan struct{}
	waiters  int
	started  bool
	dropped  chan struct{} // closed when the last waiter leaves before the start
	done     chan struct{}
	out      []byte
	err      error
}

// produce returns the document of format made from input by build: from
// the cache, from a production under way, or made in lane.
func (d *Documents) produce(ctx context.Context, lane Lane, format string, input []byte, build func(context.Context) ([]byte, error)) ([]byte, error) {
	key := docKey{format: format, sum: sumOf(input)}
	timer := time.NewTimer(d.cfg.MaxWait)
	defer timer.Stop()

	d.mu.Lock()
	if out, ok := d.cache.get(key); ok {
		d.mu.Unlock()
		return out, nil
	}
	j, ok := d.jobs[key]
	if !ok {
		if d.queued >= d.cfg.MaxQueued {
			d.mu.Unlock()
			return nil, &BusyError{RetryAfter: d.cfg.RetryAfter}
		}
		j = &job{lifted: make(chan struct{}), dropped: make(chan struct{}), done: make(chan struct{})}
		d.jobs[key] = j
		d.queued++
		go d.run(key, j, build)
	}
	j.waiters++
	if lane == PriorityLane && !j.priority {
		j.priority = true
		close(j.lifted)
	}
	d.mu.Unlock()

	leave := func() {
		d.mu.Lock()
		j.waiters--
		if j.waiters == 0 && !j.started {
			// Nobody waits for it: dropped, and a later request starts anew.
			close(j.dropped)
			delete(d.jobs, key)
		}
		d.mu.Unlock()
	}
	select {
	case <-j.done:
		leave()
		return j.out, j.err
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	case <-timer.C:
		leave()
		return nil, &BusyError{RetryAfter: d.cfg.RetryAfter}
	}
}

// run waits for a slot for j, makes its document and keeps it.
func (d *Documents) run(key docKey, j *job, build func(context.Context) ([]byte, error)) {
	finish := func(out []byte, err error) {
		d.mu.Lock()
		if d.jobs[key] == j {
			delete(d.jobs, key)
		}
		if err == nil {
			d.cache.put(key, out)
		}
		j.out, j.err = out, err
		d.mu.Unlock()
		close(j.done)
	}
	var slot chan struct{}
	for slot == nil {
		d.mu.Lock()
		priority, lifted := j.priority, j.lifted
		d.mu.Unlock()
		var reserved chan struct{}
		if priority {
			reserved, lifted = d.reserved, nil
		}
		select {
		case d.shared <- struct{}{}:
			slot = d.shared
		case reserved <- struct{}{}:
			slot = d.reserved
		case <-lifted:
		case <-j.dropped:
			d.mu.Lock()
			d.queued--
			d.mu.Unlock()
			finish(nil, context.Canceled)
			return
		}
	}
	d.mu.Lock()
	dropped := false
	select {
	case <-j.dropped:
		dropped = true
	default:
		j.started = true
		d.running++
	}
	d.queued--
	d.mu.Unlock()
	if dropped {
		<-slot
		finish(nil, context.Canceled)
		return
	}
	// The production belongs to no request: it ends within its limits.
	start := time.Now()
	out, err := func() (out []byte, err error) {
		defer func() {
			<-slot
			d.mu.Lock()
			d.running--
			d.mu.Unlock()
		}()
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("report: document production panicked: %v", r)
			}
		}()
		return build(d.cfg.Context)
	}()
	if d.cfg.Built != nil {
		d.cfg.Built(key.format, time.Since(start), err)
	}
	finish(out, err)
}

// docCache keeps finished documents, least recently used first out.
type docCache struct {
	max      int
	maxBytes int64
	bytes    int64
	order    list.List // of *cached, most recent at the front
	index    map[docKey]*list.Element
}

type cached struct {
	key docKey
	out []byte
}

func (c *docCache) get(key docKey) ([]byte, bool) {
	e, ok := c.index[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).out, true
}

func (c *docCache) put(key docKey, out []byte) {
	if int64(len(out)) > c.maxBytes {
		return
	}
	if e, ok := c.index[key]; ok {
		c.bytes -= int64(len(e.Value.(*cached).out))
		c.order.Remove(e)
		delete(c.index, key)
	}
	c.index[key] = c.order.PushFront(&cached{key: key, out: out})
	c.bytes += int64(len(out))
	for c.order.Len() > c.max || c.bytes > c.maxBytes {
		e := c.order.Back()
		v := e.Value.(*cached)
		c.order.Remove(e)
		delete(c.index, v.key)
		c.bytes -= int64(len(v.out))
	}
}
