from saisaat.cli import main

raise SystemExit(main())
