"""dutylist: build township duty checklists (乡镇履行职责事项清单) from policy documents."""

__version__ = "0.1.0"
