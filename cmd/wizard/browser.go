package main

import (
	"io"
	"os"

	"github.com/pkg/browser"
)

// browserOpener returns how to open a page in the user's browser, or nil where
// trying makes no sense (over SSH, or with no display): the screens then show the
// URL for the user to open. The launcher's output never draws over the screen.
func browserOpener() func(string) error {
	if os.Getenv("SSH_TTY") != "" || os.Getenv("SSH_CONNECTION") != "" || os.Getenv("SSH_CLIENT") != "" {
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && os.Getenv("BROWSER") == "" {
		return nil
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL
}
