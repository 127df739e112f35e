(** * Node streams through coq-elpi: a whole library (its fixed cost), or opaque constants.

    [Elpi pyexport_library_nodes "PyExport.Sums" ...] prints, for every constant of the named
    modules, the same `@TAG ARITY LEAF` prefix stream as [TermSize.print_constant_nodes]
    (type and body, opaque proofs included: Ltac2 cannot read opaque bodies, coq-elpi can).
    [Elpi pyexport_library_nodes "--constants" "name" ...] does the same for single constants
    (a certificate's theorem, closed by [Qed]). coq-elpi 1.16 cannot represent primitive
    arrays, so data with array literals is measured with [TermSize] instead.
    coq-elpi's view of kernel terms drops casts; that changes a library's size negligibly. *)

From elpi Require Import elpi.

Elpi Command pyexport_library_nodes.
Elpi Accumulate lp:{{
  pred line i:string, i:int, i:string.
  line Tag N Leaf :- coq.say {calc (Tag ^ " " ^ {std.any->string N} ^ " " ^ Leaf)}.

  pred bound i:term, o:int.

  pred walk i:int, i:term.
  walk Lvl X :- bound X L, !, I is Lvl - L, line "@R" 0 {std.any->string I}.
  walk _ (sort _) :- !, line "@S" 0 "".
  walk _ (global (const C)) :- !, line "@C" 0 {coq.gref->string (const C)}.
  walk _ (global (indt I)) :- !, line "@I" 0 {coq.gref->string (indt I)}.
  walk _ (global (indc K)) :- !, line "@K" 0 {coq.gref->string (indc K)}.
  walk Lvl (pglobal GR _) :- !, walk Lvl (global GR).
  walk Lvl (fun _ T F) :- !, line "@L" 2 "", walk Lvl T, L1 is Lvl + 1,
    pi x\ bound x L1 => walk L1 (F x).
  walk Lvl (prod _ T F) :- !, line "@P" 2 "", walk Lvl T, L1 is Lvl + 1,
    pi x\ bound x L1 => walk L1 (F x).
  walk Lvl (let _ T V F) :- !, line "@Z" 3 "", walk Lvl T, walk Lvl V, L1 is Lvl + 1,
    pi x\ bound x L1 => walk L1 (F x).
  walk Lvl (app L) :- !, std.length L N, line "@A" N "", std.forall L (walk Lvl).
  walk Lvl (match T R Bs) :- !, std.length Bs N, N2 is N + 2, line "@M" N2 "",
    walk Lvl R, walk Lvl T, std.forall Bs (walk Lvl).
  walk Lvl (fix _ _ Ty F) :- !, line "@F" 2 "", walk Lvl Ty, L1 is Lvl + 1,
    pi x\ bound x L1 => walk L1 (F x).
  walk _ (primitive (uint63 I)) :- !, line "@U" 0 {std.any->string I}.
  walk _ (primitive (float64 F)) :- !, line "@D" 0 {std.any->string F}.
  walk _ (primitive (proj _ N)) :- !, line "@J" 0 {std.any->string N}.
  walk _ X :- line "@X" 0 {std.any->string X}.

  pred constant-nodes i:constant.
  constant-nodes C :-
    coq.say {calc ("@@DECL " ^ {coq.gref->string (const C)})},
    coq.env.typeof (const C) Ty, coq.say "@@TYPE", walk 0 Ty,
    (coq.env.const-body C (some Bo), !, coq.say "@@BODY", walk 0 Bo ; true),
    coq.say "@@END".

  pred item-nodes i:module-item.
  item-nodes (gref (const C)) :- !, constant-nodes C.
  % submodules are skipped: in PyExport they are instances of the Interval library's
  % functors (module I), whose size belongs to that library, not to ours.
  item-nodes _.

  main [str "--constants" | Names] :- !,
    std.forall Names (n\ sigma Name C\ n = str Name, coq.locate Name (const C),
      constant-nodes C).
  main Modules :-
    std.forall Modules (m\ sigma Name MP Items\ m = str Name,
      coq.locate-module Name MP, coq.env.module MP Items, std.forall Items item-nodes).
}}.
Elpi Typecheck.
