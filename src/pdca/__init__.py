"""pdca: an event-sourced workflow engine for the PDCA loop of 机关党建绩效考核."""

__version__ = "0.1.0"
