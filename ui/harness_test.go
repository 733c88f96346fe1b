package ui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// harness drives the root model as a program would, but on the test's goroutine:
// commands run in goroutines and their messages are delivered one at a time by
// the test's calls, so the test can look at the model between messages.
type harness struct {
	t     testing.TB
	model tea.Model
	msgs  chan tea.Msg
	done  chan struct{}
	wg    sync.WaitGroup
	quit  bool
	// afterDeliver, if set, runs after each message the model handles.
	afterDeliver func()
}

var cmdSliceType = reflect.TypeOf([]tea.Cmd(nil))

func newHarness(t testing.TB, m tea.Model, width, height int) *harness {
	h := &harness{t: t, model: m, msgs: make(chan tea.Msg, 1024), done: make(chan struct{})}
	t.Cleanup(h.stop)
	h.run(m.Init())
	h.deliver(tea.WindowSizeMsg{Width: width, Height: height})
	return h
}

func (h *harness) stop() {
	select {
	case <-h.done:
	default:
		close(h.done)
	}
	h.wg.Wait()
}

// run executes cmd in a goroutine; batches and sequences are unpacked (a
// sequence's commands run one after another, as the program does).
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.exec(cmd)
	}()
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

// settle delivers what is already queued (not ticks that have yet to fire).
func (h *harness) settle() {
	for {
		select {
		case msg := <-h.msgs:
			h.deliver(msg)
		case <-time.After(30 * time.Millisecond):
			return
		}
	}
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
