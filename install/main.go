// Command install sets up noether's Jupyter kernel on this machine.
//
//	go run ./install            build the pinned gonb and goimports into .noether/bin,
//	                            register the "Go (noether)" kernelspec, warm the build cache
//	go run ./install -gopls     also build gopls (code completion; minutes the first time)
//	go run ./install -check     report each requirement and the command that fixes it
//	go run ./install -data      download Fashion-MNIST into the user's cache if it is not installed
//	go run ./install -uninstall remove the kernelspec and .noether, nothing else
//
// The kernelspec goes to $JUPYTER_DATA_DIR/kernels/noether (default
// ~/.local/share/jupyter on Linux). Running install again changes nothing
// that is already in place.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/lib/data"
)

func main() {
	check := flag.Bool("check", false, "report each requirement and how to fix it; change nothing")
	uninstall := flag.Bool("uninstall", false, "remove what install wrote (the kernelspec and .noether), nothing else")
	gopls := flag.Bool("gopls", false, "also build gopls for code completion (takes minutes the first time)")
	noWarm := flag.Bool("nowarm", false, "skip warming the Go build cache")
	fetch := flag.Bool("data", false, "only download Fashion-MNIST into the user's cache if it is not installed (NOETHER_OFFLINE=1 forbids it)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./install [-check | -uninstall | -data] [-gopls] [-nowarm]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	if *fetch {
		dir, err := data.FetchFashionMNIST(ctx, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "install:", err)
			os.Exit(1)
		}
		fmt.Println("Fashion-MNIST is in", dir)
		return
	}
	if err := run(ctx, *check, *uninstall, *gopls, *noWarm); err != nil {
		fmt.Fprintln(os.Stderr, "install:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, check, uninstall, gopls, noWarm bool) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := kernel.FindRoot(wd)
	if err != nil {
		return err
	}
	l, err := kernel.NewLayout(root)
	if err != nil {
		return err
	}
	switch {
	case check:
		failed := 0
		for _, c := range doctor(ctx, l) {
			fmt.Println(c)
			if !c.ok && !c.optional {
				failed++
			}
		}
		if failed > 0 {
			return fmt.Errorf("%d requirement(s) not met", failed)
		}
		fmt.Println("everything the headless notebook runs need is in place")
		return nil
	case uninstall:
		steps, err := l.Uninstall()
		for _, s := range steps {
			fmt.Println(s)
		}
		return err
	}
	fmt.Printf("installing noether's kernel for %s\n", root)
	_, err = l.Install(ctx, kernel.InstallSettings{Gopls: gopls, NoWarm: noWarm})
	if err != nil {
		return err
	}
	fmt.Printf("done: choose the %q kernel in Jupyter (jupyter notebook notebooks/)\n", kernel.SpecDisplayName)
	return nil
}
