"""The partners' figures (MODEL.md, Partners): coalitions' plans for the Shapley shares
(`coalitions`), and the plans within reach of the optimum (`reach`) behind the fair plan
(`fair`) and the room to negotiate (`ranges`)."""
