package chromium

import (
	"bytes"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Watchdog bounds the memory of a process and its descendants (a browser
// is several processes: the browser, its zygote, the renderer, the GPU
// and network services): every Every it adds up their resident memory
// (Memory: their proportional set sizes), and when the sum passes Limit it kills them all
// with SIGKILL and says so (Exceeded). A per-process rlimit does not do:
// RLIMIT_AS breaks V8's reservations, and RLIMIT_DATA counts several times
// what a renderer holds. Between two looks a process grows by
// what it allocates in Every (tens of megabytes at most for a browser).
type Watchdog struct {
	exceeded atomic.Bool
	peak     atomic.Int64
	stop     chan struct{}
	done     chan struct{}
}

// WatchEvery is how often a Watchdog looks.
const WatchEvery = 100 * time.Millisecond

// Watch starts a Watchdog of the process pid and its descendants, which
// kills them when their resident memory passes limit bytes. onKill runs
// (once) after the kill. Stop ends it.
func Watch(pid int, limit int64, onKill func()) *Watchdog {
	w := &Watchdog{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(WatchEvery)
		defer t.Stop()
		for {
			tree := Tree(pid)
			var sum int64
			for _, p := range tree {
				sum += Memory(p)
			}
			if sum > w.peak.Load() {
				w.peak.Store(sum)
			}
			if sum > limit {
				w.exceeded.Store(true)
				for _, p := range tree {
					syscall.Kill(p, syscall.SIGKILL)
				}
				if onKill != nil {
					onKill()
				}
				return
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Stop ends the watch, and waits for it.
func (w *Watchdog) Stop() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// Exceeded says whether the processes passed the limit (and were killed).
func (w *Watchdog) Exceeded() bool { return w.exceeded.Load() }

// Peak is the largest sum of resident memory seen, in bytes.
func (w *Watchdog) Peak() int64 { return w.peak.Load() }

// Tree is pid and its descendants, by the parent each process's
// /proc/<pid>/stat names; nil when pid has ended.
func Tree(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid := parent(pid); ppid > 0 {
			children[ppid] = append(children[ppid], pid)
		}
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(root)); err != nil {
		return nil
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// parent is the parent of pid, 0 when unknown.
func parent(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// pid (comm) state ppid …: comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(string(f[1]))
	return ppid
}

// Memory is the memory pid holds, in bytes: its proportional set size
// (Pss of /proc/<pid>/smaps_rollup: its own pages, and its share of those
// it shares with others, so that a sum over processes counts each page
// once), or where that is not readable (a sandboxed renderer of the same
// user) its resident set, which counts shared pages whole.
func Memory(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err == nil {
		if v, ok := field(b, "Pss:"); ok {
			return v
		}
	}
	return RSS(pid)
}

// field is the value in kB of the line of b that starts with name, in
// bytes.
func field(b []byte, name string) (int64, bool) {
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte(name)); ok {
			if f := bytes.Fields(rest); len(f) >= 1 {
				kb, err := strconv.ParseInt(string(f[0]), 10, 64)
				return kb * 1024, err == nil
			}
		}
	}
	return 0, false
}

// RSS is the resident memory of pid in bytes (VmRSS), 0 when unknown.
func RSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	v, _ := field(b, "VmRSS:")
	return v
}
