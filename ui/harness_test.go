package ui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/internal/goroutines"
)

// harness drives the root model as a program would, but on the test's goroutine:
// commands run in goroutines and their messages are delivered one at a time by
// the test's calls, so the test can look at the model between messages.
//
// It never waits for a stretch of quiet: it knows which goroutines run its
// commands and asks the runtime whether each is doing something or waiting
// (for a timer, a network answer, a channel), so that settle ends exactly when
// the program has nothing more to do by itself, however loaded the machine.
type harness struct {
	t     testing.TB
	model tea.Model
	msgs  chan tea.Msg
	done  chan struct{}
	quit  bool
	// afterDeliver, if set, runs after each message the model handles.
	afterDeliver func()

	mu       sync.Mutex
	starting int            // command goroutines started but not yet in running
	running  map[int64]bool // goroutines running a command → seen waiting for something outside
}

var cmdSliceType = reflect.TypeOf([]tea.Cmd(nil))

func newHarness(t testing.TB, m tea.Model, width, height int) *harness {
	h := &harness{t: t, model: m, msgs: make(chan tea.Msg, 1024), done: make(chan struct{}), running: map[int64]bool{}}
	t.Cleanup(h.stop)
	h.run(m.Init())
	h.deliver(tea.WindowSizeMsg{Width: width, Height: height})
	return h
}

// stop ends the program as its process's end would: from now on no message is
// delivered. Commands still running are not waited for: most of them are ticks
// (a spinner, a poll, the code countdown) that would keep the test up to their
// whole interval; each ends by itself when its command returns and drops its
// message. The shell writes no save after it quit (quit waits for the saves).
func (h *harness) stop() {
	select {
	case <-h.done:
	default:
		close(h.done)
	}
}

// run executes cmd in a goroutine; batches and sequences are unpacked (a
// sequence's commands run one after another, as the program does).
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	h.mu.Lock()
	h.starting++
	h.mu.Unlock()
	go func() {
		id := goroutines.ID()
		h.mu.Lock()
		h.starting--
		h.running[id] = false
		h.mu.Unlock()
		defer func() {
			h.mu.Lock()
			delete(h.running, id)
			h.mu.Unlock()
		}()
		h.exec(cmd)
	}()
}

// working says whether one of the harness's command goroutines is doing
// something (running, runnable, in a system call, taking a lock) rather than
// waiting for something outside the program: a timer (ticks, polls), a network
// answer, a channel. A goroutine once seen waiting counts as waiting until it
// ends (a call's answer arrives when it arrives; the tests wait for screens),
// so the stacks are read only while a new command has not been seen waiting.
func (h *harness) working() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.starting > 0 {
		return true
	}
	unseen := false
	for _, waiting := range h.running {
		unseen = unseen || !waiting
	}
	if !unseen {
		return false
	}
	busy := false
	for id, g := range goroutines.All() {
		waiting, ours := h.running[id]
		if !ours || waiting {
			continue
		}
		if goroutines.Waiting(g.State) {
			h.running[id] = true
		} else {
			busy = true
		}
	}
	return busy
}

func (h *harness) exec(cmd tea.Cmd) {
	msg := cmd()
	if msg == nil {
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().ConvertibleTo(cmdSliceType) {
		cmds := v.Convert(cmdSliceType).Interface().([]tea.Cmd)
		if _, isBatch := msg.(tea.BatchMsg); isBatch {
			for _, c := range cmds {
				h.run(c)
			}
			return
		}
		for _, c := range cmds { // a sequence
			if c != nil {
				h.exec(c)
			}
		}
		return
	}
	select {
	case h.msgs <- msg:
	case <-h.done:
	}
}

// deliver hands msg to the model and runs the command it returns.
func (h *harness) deliver(msg tea.Msg) {
	if _, ok := msg.(tea.QuitMsg); ok {
		h.quit = true
		return
	}
	m, cmd := h.model.Update(msg)
	h.model = m
	h.run(cmd)
	if h.afterDeliver != nil {
		h.afterDeliver()
	}
}

// pump delivers messages until cond holds or the time runs out.
func (h *harness) pump(what string, timeout time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		if h.quit {
			h.t.Fatalf("program quit while waiting for %s; screen:\n%s", what, h.screen())
		}
		select {
		case msg := <-h.msgs:
			h.deliver(msg)
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, h.screen())
		}
	}
}

// settle delivers messages until the program has nothing more to do by itself:
// no message is queued, no command goroutine is working (the ones left wait for
// a timer or an answer from outside), and the shell neither holds typed keys
// back (a form moving its focus) nor has saves to write. It waits for that
// state, never for a stretch of quiet, so a slow machine only makes it slower.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	look := time.NewTicker(time.Millisecond)
	defer look.Stop()
	for {
		select {
		case msg := <-h.msgs:
			h.deliver(msg)
			continue
		default:
		}
		if h.quit {
			return
		}
		if !h.busy() && !h.working() {
			select {
			case msg := <-h.msgs: // sent just before its goroutine ended
				h.deliver(msg)
				continue
			default:
				return
			}
		}
		select {
		case msg := <-h.msgs:
			h.deliver(msg)
		case <-look.C: // look at the goroutines again
		case <-deadline:
			h.t.Fatalf("the program was still busy after 10s; screen:\n%s", h.screen())
		}
	}
}

// busy says whether the shell is holding typed keys back or writing a save.
func (h *harness) busy() bool {
	a, ok := h.model.(*App)
	return ok && (a.typed.holding() || a.saving())
}

func (h *harness) screen() string { return ansi.Strip(h.model.View().Content) }

// waitScreen pumps until the screen holds text.
func (h *harness) waitScreen(text string) {
	h.t.Helper()
	h.pump("screen to show "+text, 10*time.Second, func() bool { return strings.Contains(h.screen(), text) })
	h.settle() // let the screen's own start-up commands run before the test types
}

func (h *harness) key(k string) {
	h.deliver(keyMsg(k))
	h.settle()
}

func (h *harness) typeText(s string) {
	for _, r := range s {
		h.deliver(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.settle()
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}
