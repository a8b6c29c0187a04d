"""Demo and benchmark data: `jinqi demo` and its steps (one module per app it fills), and the
synthetic population of Jinshan enterprises (`synth*`, also behind `jinqi registry synth`).

It imports the apps; no app imports it (an import-linter contract says so): the runtime code
carries no demo data."""
