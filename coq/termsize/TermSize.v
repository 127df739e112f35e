(** * Kernel-term node streams, for measuring the checked term size of a certificate.

    [print_term_nodes c] walks the kernel representation of [c] ([Constr.Unsafe.kind]: the
    constructors of Coq's kernel [constr], primitive floats and arrays included) in prefix order
    and prints one line per node: a tag, the number of children, and for leaves their identity
    (de Bruijn index, printed constant or literal). pyexport reads the stream back and counts the
    nodes as a tree (every occurrence) and as a DAG (structurally equal subterms shared).
    Binder names and casts' kinds are ignored: they do not change the term's size. *)

From Ltac2 Require Import Ltac2 Constr Message.
Import Constr.Unsafe.

Ltac2 line (tag : string) (arity : int) (leaf : message) :=
  Message.print (Message.concat (Message.of_string tag)
    (Message.concat (Message.of_string " ")
      (Message.concat (Message.of_int arity)
        (Message.concat (Message.of_string " ") leaf)))).

Ltac2 none () := Message.of_string "".

Ltac2 rec walk (c : constr) :=
  match kind c with
  | Rel n => line "@R" 0 (Message.of_int n)
  | Var id => line "@V" 0 (Message.of_ident id)
  | Meta _ => line "@X" 0 (none ())
  | Evar _ _ => line "@E" 0 (none ())
  | Sort _ => line "@S" 0 (Message.of_constr c)
  | Cast t _ ty => line "@T" 2 (none ()); walk t; walk ty
  | Prod b body => line "@P" 2 (none ()); walk (Binder.type b); walk body
  | Lambda b body => line "@L" 2 (none ()); walk (Binder.type b); walk body
  | LetIn b v body =>
      line "@Z" 3 (none ()); walk (Binder.type b); walk v; walk body
  | App f args =>
      line "@A" (Int.add 1 (Array.length args)) (none ()); walk f; Array.iter walk args
  | Constant _ _ => line "@C" 0 (Message.of_constr c)
  | Ind _ _ => line "@I" 0 (Message.of_constr c)
  | Constructor _ _ => line "@K" 0 (Message.of_constr c)
  | Case _ ret _ scrut branches =>
      line "@M" (Int.add 2 (Array.length branches)) (none ());
      walk ret; walk scrut; Array.iter walk branches
  | Fix _ _ binders bodies =>
      line "@F" (Int.add (Array.length binders) (Array.length bodies)) (none ());
      Array.iter (fun b => walk (Binder.type b)) binders; Array.iter walk bodies
  | CoFix _ binders bodies =>
      line "@G" (Int.add (Array.length binders) (Array.length bodies)) (none ());
      Array.iter (fun b => walk (Binder.type b)) binders; Array.iter walk bodies
  | Proj _ t => line "@J" 1 (none ()); walk t
  | Uint63 _ => line "@U" 0 (Message.of_constr c)
  | Float _ => line "@D" 0 (Message.of_constr c)
  | Array _ elems def ty =>
      line "@Y" (Int.add 2 (Array.length elems)) (none ());
      Array.iter walk elems; walk def; walk ty
  end.

(** Print the node streams of a constant's type and (for a transparent constant) its body,
    each preceded by a header line. *)
Ltac2 print_constant_nodes (r : Std.reference) :=
  let c := Env.instantiate r in
  Message.print (Message.of_string "@@TYPE");
  walk (Constr.type c);
  Message.print (Message.of_string "@@BODY");
  walk (Std.eval_unfold [(r, Std.AllOccurrences)] c);
  Message.print (Message.of_string "@@END").
