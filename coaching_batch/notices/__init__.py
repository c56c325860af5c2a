"""Weekly notices: one message per person who must act.

* :mod:`.build` — who must act on what (pure: the run's result in, notices out);
* :mod:`.eml` — the notices as ``.eml`` files in ``<out>/notices/`` (the run's folder writer);
* :mod:`.config` and :mod:`.send` — ``coaching-batch notices send``: the SMTP config, sending each
  notice once a week, recorded in the ledger; :mod:`.command` is the command line of it.

Nothing is imported here: the command line loads the sending side without pandas, and the ledger
(which sending needs) imports the reports that write these notices.
"""
