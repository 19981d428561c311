"""Load rules/ into one validated ``RulePack``; every problem is reported as ``file:line: reason``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TypeVar

import jinja2
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from psr_check.pack.schema import (
    Check,
    CheckModesFile,
    ConceptDef,
    Condition,
    ContextFile,
    FamiliesFile,
    RuleModel,
    SectionsFile,
)
from psr_check.facts.derived import DERIVED_FACTS, sample_derived
from psr_check.pack.fines import FinesFile
from psr_check.pack.programmes import ProgrammesFile
from psr_check.pack.records import AllocationPolicy, AuditFile, RegistersFile, RoshFile, TierModel, TiersFile
from psr_check.pack.redact import RedactFile
from psr_check.pack.scope import ScopeFile
from psr_check.pack.yaml_lines import LineList, line_of, load_yaml_with_lines

M = TypeVar("M", bound=BaseModel)

# Record fields a check may name; kept in step with models.AllocationRecord.
from psr_check.models import AllocationRecord  # noqa: E402

RECORD_FIELDS = set(AllocationRecord.model_fields)


class RulePackError(Exception):
    """One or more rule files are wrong. ``problems`` are ``file:line: reason`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class RulePack:
    families: FamiliesFile
    sections: SectionsFile
    context: ContextFile
    check_modes: CheckModesFile
    concepts: dict[str, ConceptDef]
    checks: list[Check]
    scope: ScopeFile | None = None
    fines: FinesFile | None = None
    programmes: ProgrammesFile | None = None
    allocation_policies: dict[str, AllocationPolicy] = field(default_factory=dict)
    tiers: dict[str, TierModel] = field(default_factory=dict)
    registers: RegistersFile | None = None
    rosh: RoshFile | None = None
    audit: AuditFile | None = None
    redact: RedactFile | None = None
    templates: dict[str, jinja2.Template] = field(default_factory=dict, repr=False)
    roots: list[Path] = field(default_factory=list)

    def family(self, family_id: str):
        return next(f for f in self.families.families if f.id == family_id)

    def check(self, code: str) -> Check | None:
        return next((c for c in self.checks if c.code == code), None)


def _message_env() -> jinja2.Environment:
    # Messages are plain text; HTML escaping happens in render. StrictUndefined catches typos.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


class _Loader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def parse(self, path: Path) -> Any:
        try:
            return load_yaml_with_lines(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark else 1
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.problems.append(f"{path}:{line}: YAML error: {reason}")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{path}:1: cannot read rule file: {exc}")
        return None

    def validate(self, model: type[M], data: Any, path: Path) -> M | None:
        if any(p.startswith(f"{path}:") for p in self.problems):
            return None  # already reported (unreadable YAML): one problem, not two
        try:
            result = model.model_validate(data)
        except ValidationError as exc:
            self._report(exc, data, path)
            return None
        if isinstance(result, RuleModel):
            result._origin = f"{path}:{getattr(data, 'line', 1)}"
        return result

    def validate_list(self, model: type[M], data: Any, path: Path) -> list[M]:
        if data is None:
            return []
        if not isinstance(data, LineList):
            self.problems.append(f"{path}:{getattr(data, 'line', 1)}: expected a list of items (- …)")
            return []
        items: list[M] = []
        for index, item in enumerate(data):
            try:
                value = TypeAdapter(model).validate_python(item)
            except ValidationError as exc:
                self._report(exc, data, path, prefix=(index,))
                continue
            value._origin = f"{path}:{data.item_lines[index]}"
            items.append(value)
        return items

    def _report(self, exc: ValidationError, data: Any, path: Path, prefix: tuple = ()) -> None:
        for error in exc.errors():
            loc = prefix + tuple(p for p in error["loc"] if not _is_union_tag(p))
            line = line_of(data, loc) or 1
            where = ".".join(str(p) for p in loc if not isinstance(p, int)) or "file"
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = f"unknown key '{loc[-1]}' (misspelt?)"
            self.problems.append(f"{path}:{line}: {where}: {message}")


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"function-after", "list"})


def load_rule_pack(root: Path | None = None, extra_dirs: Iterable[Path] = ()) -> RulePack:
    """Load and cross-check the rule pack. Raises RulePackError listing every problem found."""
    from psr_check.resources import data_dir

    root = root or data_dir("rules")
    loader = _Loader()
    families = loader.validate(FamiliesFile, loader.parse(root / "families.yaml"), root / "families.yaml")
    sections = loader.validate(SectionsFile, loader.parse(root / "sections.yaml"), root / "sections.yaml")
    context_data = loader.parse(root / "context.yaml")
    context = loader.validate(ContextFile, context_data, root / "context.yaml")
    if context is not None:
        for index, cue in enumerate(context.cues):
            cue._origin = f"{root / 'context.yaml'}:{line_of(context_data, ('cues', index)) or 1}"
    scope = loader.validate(ScopeFile, loader.parse(root / "scope.yaml"), root / "scope.yaml")
    fines = loader.validate(FinesFile, loader.parse(root / "fines.yaml"), root / "fines.yaml")
    programmes = loader.validate(ProgrammesFile, loader.parse(root / "programmes.yaml"), root / "programmes.yaml")
    redact = loader.validate(RedactFile, loader.parse(root / "redact.yaml"), root / "redact.yaml")
    modes_path = root / "policies" / "checks.yaml"
    check_modes = loader.validate(CheckModesFile, loader.parse(modes_path), modes_path)
    records = _load_record_rules(loader, root)

    concepts: dict[str, ConceptDef] = {}
    checks: list[Check] = []
    roots = [root, *[Path(d) for d in extra_dirs]]
    for folder in roots[1:]:
        if not folder.is_dir():
            loader.problems.append(f"{folder}:1: extra rules folder does not exist (see `rules` in your config)")
    for folder in roots:
        for path in sorted((folder / "concepts").glob("*.yaml")):
            for concept in loader.validate_list(ConceptDef, loader.parse(path), path):
                if concept.id in concepts:
                    loader.problems.append(f"{concept.origin}: concept {concept.id} is already defined at "
                                           f"{concepts[concept.id].origin}")
                concepts[concept.id] = concept
        for path in sorted((folder / "checks").glob("*.yaml")):
            checks.extend(loader.validate_list(Check, loader.parse(path), path))

    if programmes is not None:
        for concept in _programme_concepts(programmes, root / "programmes.yaml"):
            if concept.id in concepts:
                loader.problems.append(f"{concepts[concept.id].origin}: concept {concept.id} is made from "
                                       "rules/programmes.yaml; add aliases there instead of defining it here")
            concepts[concept.id] = concept
    if loader.problems:
        raise RulePackError(loader.problems)
    pack = RulePack(families, sections, context, check_modes, concepts, checks, scope=scope, fines=fines,
                    programmes=programmes, redact=redact, roots=roots, **records)
    problems = _cross_check(pack)
    pack.templates, template_problems = _compile_messages(pack.checks)
    problems += template_problems
    if problems:
        raise RulePackError(problems)
    return pack


def _load_record_rules(loader: _Loader, root: Path) -> dict[str, Any]:
    """The files that judge allocation records: policies (one file each), tiers, registers, RoSH, audit."""
    policies: dict[str, AllocationPolicy] = {}
    for path in sorted((root / "policies").glob("allocation-*.yaml")):
        policy = loader.validate(AllocationPolicy, loader.parse(path), path)
        if policy is not None:
            if policy.id != path.stem:
                loader.problems.append(f"{path}:1: id '{policy.id}' should be the file name '{path.stem}'")
            policies[policy.id] = policy
    tiers_file = loader.validate(TiersFile, loader.parse(root / "tiers.yaml"), root / "tiers.yaml")
    tiers = {m.id: m for m in tiers_file.models} if tiers_file else {}
    for policy in policies.values():
        if policy.tier_model and policy.tier_model not in tiers:
            loader.problems.append(f"{policy.origin}: policy {policy.id} names unknown tier model "
                                   f"'{policy.tier_model}' (see tiers.yaml)")
    return {
        "allocation_policies": policies, "tiers": tiers,
        "registers": loader.validate(RegistersFile, loader.parse(root / "registers.yaml"), root / "registers.yaml"),
        "rosh": loader.validate(RoshFile, loader.parse(root / "rosh.yaml"), root / "rosh.yaml"),
        "audit": loader.validate(AuditFile, loader.parse(root / "audit.yaml"), root / "audit.yaml"),
    }


def load_redaction_rules(root: Path | None = None) -> RedactFile:
    """Only rules/redact.yaml, for ``lint --redact`` (which may run without a Linter in this
    process, e.g. with --workers). Raises RulePackError with ``file:line`` problems."""
    from psr_check.resources import data_dir

    path = (root or data_dir("rules")) / "redact.yaml"
    loader = _Loader()
    rules = loader.validate(RedactFile, loader.parse(path), path)
    if rules is None:
        raise RulePackError(loader.problems)
    return rules


def _cross_check(pack: RulePack) -> list[str]:
    """Every name a rule uses must exist: concepts, sections, families, record fields, modes."""
    problems: list[str] = []
    section_ids = {s.id for s in pack.sections.sections} | {
        pack.sections.preamble_section, pack.sections.unknown_section}
    families = {f.id: f for f in pack.families.families}
    for concept in pack.concepts.values():
        named = concept.named.beside if concept.named else []
        for name in concept.include + concept.not_within + named + [
                n for r in concept.near for n in (r.a, r.b, *r.not_across)]:
            if name not in pack.concepts:
                problems.append(f"{concept.origin}: concept {concept.id} refers to unknown concept {name}")
    if pack.rosh is not None:
        for name in (pack.rosh.statement_concept, pack.rosh.required_concept):
            if name not in pack.concepts:
                problems.append(f"{pack.rosh.origin}: rosh.yaml names unknown concept {name}")
    for cue in pack.context.cues:
        for name in cue.only_concepts + cue.skip_concepts:
            if name not in pack.concepts:
                problems.append(f"{cue.origin}: cue refers to unknown concept {name}")
    seen: dict[str, str] = {}
    for check in pack.checks:
        if check.code in seen:
            problems.append(f"{check.origin}: code {check.code} is already used at {seen[check.code]}")
        seen[check.code] = check.origin
        family = families.get(check.family)
        if family is None:
            problems.append(f"{check.origin}: unknown family '{check.family}' (see families.yaml)")
        elif not check.code.startswith(family.prefix):
            problems.append(f"{check.origin}: code {check.code} should start with {family.prefix} "
                            f"for family {family.id}")
        for cond in (check.when, check.require, check.unless, check.relevant_when):
            if cond is not None:
                problems += _condition_problems(cond, check, pack, section_ids)
        if pack.audit is not None and check.audit_question and check.audit_question not in {
                q.id for q in pack.audit.questions}:
            problems.append(f"{check.origin}: {check.code} names unknown audit_question "
                            f"'{check.audit_question}' (see audit.yaml)")
        for test in check.tests:
            if test.check_mode and test.check_mode not in pack.check_modes.modes:
                problems.append(f"{check.origin}: test uses unknown check_mode '{test.check_mode}'")
    return problems


def _condition_problems(cond: Condition, check: Check, pack: RulePack, section_ids: set[str]) -> list[str]:
    problems: list[str] = []
    for child in (cond.any or []) + (cond.all or []) + ([cond.not_] if cond.not_ else []):
        problems += _condition_problems(child, check, pack, section_ids)
    if cond.concept is not None:
        for name in [cond.concept, *(cond.outside or []), *(cond.with_any or []), *(cond.without_any or []),
                     *(cond.not_across or [])]:
            if name not in pack.concepts:
                problems.append(f"{check.origin}: {check.code} uses unknown concept {name}")
        if cond.sections:
            for sid in cond.sections.include + cond.sections.exclude:
                if sid not in section_ids:
                    problems.append(f"{check.origin}: {check.code} uses unknown section '{sid}'")
    if cond.field is not None:
        name = cond.field.removeprefix("record.")
        if name not in RECORD_FIELDS:
            problems.append(f"{check.origin}: {check.code} uses unknown record field '{name}'")
    if cond.fact is not None and cond.fact not in DERIVED_FACTS:
        problems.append(f"{check.origin}: {check.code} uses unknown fact '{cond.fact}' "
                        f"(known: {', '.join(sorted(DERIVED_FACTS))})")
    if cond.policy == "check_mode":
        for mode in ([cond.equals] if cond.equals is not None else []) + (cond.in_ or []):
            if mode not in pack.check_modes.modes:
                problems.append(f"{check.origin}: {check.code} uses unknown check mode '{mode}'")
    return problems


_SAMPLE_CONTEXT = {
    "trigger": {"text": "“x”", "quote": "x", "section": "offence", "line": 1, "where": "line 1"},
    "count": 1, "check_mode": "indicator-led", "fact": sample_derived(),
    "record": AllocationRecord(case_id="X123456", court_date="2026-03-02", sentence_date="2026-03-02",
                               allocation_date="2026-03-10", rosh_level="medium", offence_category="domestic",
                               registrations=["ADVP"], allocated_to="PS", allocated_grade="PO"),
}


def _compile_messages(checks: list[Check]) -> tuple[dict[str, jinja2.Template], list[str]]:
    env = _message_env()
    templates: dict[str, jinja2.Template] = {}
    problems: list[str] = []
    for check in checks:
        try:
            templates[check.code] = env.from_string(check.message)
            templates[check.code].render(**_SAMPLE_CONTEXT)  # a misspelt name fails here, not mid-run
        except jinja2.TemplateSyntaxError as exc:
            problems.append(f"{check.origin}: {check.code} message template: {exc.message}")
        except jinja2.UndefinedError as exc:
            problems.append(f"{check.origin}: {check.code} message uses an unknown name: {exc.message} "
                            "(available: trigger.text, trigger.where, trigger.section, trigger.quote, "
                            "trigger.line, count, check_mode, record, fact.…)")
    return templates, problems


def _programme_concepts(programmes: ProgrammesFile, path: Path) -> list[ConceptDef]:
    """One concept per catalogue programme (PROGRAMME_BBR …) from its aliases, matched with their
    capitals ("Resolve", "Horizon" are also ordinary words), plus PROGRAMME_NAME for any of them."""
    concepts = []
    for programme in programmes.programmes:
        concept = ConceptDef(id=programmes.concept_id(programme), description=f"{programme.name} (catalogue)",
                             exact=list(programme.aliases))
        concept._origin = f"{path}:1"
        concepts.append(concept)
    union = ConceptDef(id="PROGRAMME_NAME", description="Any programme in the catalogue",
                       include=[c.id for c in concepts])
    union._origin = f"{path}:1"
    return concepts + [union]
